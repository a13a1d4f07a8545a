/**
 * Radio spots as a DX cluster would report them, for `dashport demo-feed`: the columns of the
 * bundled `spots` example (ts, frequency, band, mode, spotter, callsign, country), bands busy
 * by daylight (20 m and up by day, 40/80/160 m by night), frequencies inside each band's
 * segment for the mode. Seeded, so a run can be replayed.
 */
import { mulberry32 } from '../analysis/mulberry32.js';

export interface DemoSpot {
  readonly ts: string;
  readonly frequency: number;
  readonly band: string;
  readonly mode: string;
  readonly spotter: string;
  readonly callsign: string;
  readonly country: string;
}

/** Band, kHz range per mode, and whether it is a day band. */
const BANDS: readonly {
  band: string;
  cw: [number, number];
  ssb: [number, number];
  ft8: number;
  day: boolean;
}[] = [
  { band: '160m', cw: [1810, 1840], ssb: [1840, 2000], ft8: 1840, day: false },
  { band: '80m', cw: [3500, 3570], ssb: [3600, 3800], ft8: 3573, day: false },
  { band: '40m', cw: [7000, 7040], ssb: [7060, 7200], ft8: 7074, day: false },
  { band: '30m', cw: [10100, 10130], ssb: [10130, 10150], ft8: 10136, day: true },
  { band: '20m', cw: [14000, 14070], ssb: [14100, 14350], ft8: 14074, day: true },
  { band: '17m', cw: [18068, 18095], ssb: [18110, 18168], ft8: 18100, day: true },
  { band: '15m', cw: [21000, 21070], ssb: [21150, 21450], ft8: 21074, day: true },
  { band: '10m', cw: [28000, 28070], ssb: [28300, 29000], ft8: 28074, day: true },
];

/** Callsign prefixes and their countries (DXCC entities). */
const PREFIXES: readonly [string, string][] = [
  ['K', 'United States'],
  ['W', 'United States'],
  ['VE', 'Canada'],
  ['DL', 'Germany'],
  ['G', 'England'],
  ['F', 'France'],
  ['EA', 'Spain'],
  ['I', 'Italy'],
  ['JA', 'Japan'],
  ['VK', 'Australia'],
  ['PY', 'Brazil'],
  ['LZ', 'Bulgaria'],
  ['SP', 'Poland'],
  ['OH', 'Finland'],
  ['ZS', 'South Africa'],
];

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A spot generator; `next(at, n)` makes `n` spots timed within the second before `at`. */
export function createSpotGenerator(seed = 7): { next(at: Date, n: number): DemoSpot[] } {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const call = (): [string, string] => {
    const [prefix, country] = pick(PREFIXES);
    const suffix = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
      pick([...LETTERS]),
    ).join('');
    return [`${prefix}${Math.floor(random() * 10)}${suffix}`, country];
  };
  return {
    next(at, n) {
      const hour = at.getUTCHours();
      const daytime = hour >= 7 && hour < 19;
      return Array.from({ length: n }, () => {
        // Two spots in three on the bands that are open at this hour.
        const candidates = BANDS.filter((band) => band.day === daytime);
        const band = random() < 2 / 3 && candidates.length > 0 ? pick(candidates) : pick(BANDS);
        const mode = pick(['CW', 'CW', 'SSB', 'FT8', 'FT8']);
        let frequency: number;
        if (mode === 'FT8') frequency = band.ft8 + 0.2 + random() * 2.7;
        else {
          const [low, high] = mode === 'CW' ? band.cw : band.ssb;
          frequency = low + random() * (high - low);
        }
        const [callsign, country] = call();
        const [spotter] = call();
        const ts = new Date(at.getTime() - Math.floor(random() * 1000));
        return {
          ts: ts.toISOString(),
          frequency: Math.round(frequency * 10) / 10,
          band: band.band,
          mode,
          spotter,
          callsign,
          country,
        };
      });
    },
  };
}
