/**
 * The amateur bands a DX cluster reports, with IARU/ARRL band-plan segments per mode, and how
 * each band's share of spots moves with daylight: the high bands (20 m and up) carry the day,
 * 40/80/160 m the night. These tables drive the spots generator's SQL.
 */

export const SPOT_BANDS = [
  '160m',
  '80m',
  '40m',
  '30m',
  '20m',
  '17m',
  '15m',
  '12m',
  '10m',
  '6m',
] as const;
export type SpotBand = (typeof SPOT_BANDS)[number];

export const SPOT_MODES = ['CW', 'SSB', 'FT8', 'FT4', 'RTTY'] as const;
export type SpotMode = (typeof SPOT_MODES)[number];

/** The bands HF contests use: no WARC bands (30, 17, 12 m), no 6 m. */
export const CONTEST_BANDS: readonly SpotBand[] = ['160m', '80m', '40m', '20m', '15m', '10m'];

/** Where a mode is found on a band, in kHz; `skew` > 1 crowds spots towards the low edge. */
export interface BandSegment {
  readonly band: SpotBand;
  readonly mode: SpotMode;
  readonly lowKhz: number;
  readonly highKhz: number;
  readonly skew: number;
  /** Share of the band's spots in this mode. */
  readonly weight: number;
}

/** Band edges (kHz) as allocated in IARU Region 1/2; every generated frequency is inside. */
export const BAND_EDGES_KHZ: Readonly<Record<SpotBand, readonly [number, number]>> = {
  '160m': [1810, 2000],
  '80m': [3500, 4000],
  '40m': [7000, 7300],
  '30m': [10100, 10150],
  '20m': [14000, 14350],
  '17m': [18068, 18168],
  '15m': [21000, 21450],
  '12m': [24890, 24990],
  '10m': [28000, 29700],
  '6m': [50000, 54000],
};

// FT8/FT4 spots sit at the WSJT-X dial frequency plus a 0.2–2.9 kHz audio offset.
function digital(
  band: SpotBand,
  mode: 'FT8' | 'FT4',
  dialKhz: number,
  weight: number,
): BandSegment {
  return { band, mode, lowKhz: dialKhz + 0.2, highKhz: dialKhz + 2.9, skew: 1, weight };
}

function segment(
  band: SpotBand,
  mode: SpotMode,
  [lowKhz, highKhz]: readonly [number, number],
  weight: number,
): BandSegment {
  return { band, mode, lowKhz, highKhz, skew: mode === 'CW' ? 1.6 : 1, weight };
}

/** Every (band, mode) segment with the mode's share on that band. */
export const BAND_SEGMENTS: readonly BandSegment[] = [
  segment('160m', 'CW', [1810, 1838], 0.55),
  digital('160m', 'FT8', 1840, 0.35),
  segment('160m', 'SSB', [1843, 1990], 0.1),
  segment('80m', 'CW', [3500, 3570], 0.42),
  digital('80m', 'FT8', 3573, 0.3),
  digital('80m', 'FT4', 3575, 0.05),
  segment('80m', 'RTTY', [3580, 3600], 0.05),
  segment('80m', 'SSB', [3600, 3800], 0.18),
  segment('40m', 'CW', [7000, 7040], 0.42),
  segment('40m', 'RTTY', [7040, 7047], 0.05),
  digital('40m', 'FT4', 7047.5, 0.05),
  digital('40m', 'FT8', 7074, 0.3),
  segment('40m', 'SSB', [7060, 7200], 0.18),
  segment('30m', 'CW', [10100, 10130], 0.5),
  digital('30m', 'FT8', 10136, 0.38),
  digital('30m', 'FT4', 10140, 0.06),
  segment('30m', 'RTTY', [10141, 10150], 0.06),
  segment('20m', 'CW', [14000, 14070], 0.42),
  digital('20m', 'FT8', 14074, 0.3),
  digital('20m', 'FT4', 14080, 0.05),
  segment('20m', 'RTTY', [14083, 14099], 0.05),
  segment('20m', 'SSB', [14125, 14350], 0.18),
  segment('17m', 'CW', [18068, 18095], 0.42),
  digital('17m', 'FT8', 18100, 0.3),
  digital('17m', 'FT4', 18104, 0.05),
  segment('17m', 'RTTY', [18107, 18109], 0.05),
  segment('17m', 'SSB', [18111, 18168], 0.18),
  segment('15m', 'CW', [21000, 21070], 0.42),
  digital('15m', 'FT8', 21074, 0.3),
  segment('15m', 'RTTY', [21080, 21110], 0.05),
  digital('15m', 'FT4', 21140, 0.05),
  segment('15m', 'SSB', [21151, 21450], 0.18),
  segment('12m', 'CW', [24890, 24915], 0.42),
  digital('12m', 'FT8', 24915, 0.3),
  digital('12m', 'FT4', 24919, 0.05),
  segment('12m', 'RTTY', [24925, 24929], 0.05),
  segment('12m', 'SSB', [24931, 24990], 0.18),
  segment('10m', 'CW', [28000, 28070], 0.42),
  digital('10m', 'FT8', 28074, 0.3),
  segment('10m', 'RTTY', [28080, 28150], 0.05),
  digital('10m', 'FT4', 28180, 0.05),
  segment('10m', 'SSB', [28300, 29000], 0.18),
  segment('6m', 'CW', [50000, 50100], 0.13),
  segment('6m', 'SSB', [50100, 50500], 0.2),
  digital('6m', 'FT8', 50313, 0.62),
  digital('6m', 'FT4', 50318, 0.05),
];

/** What the sky is like in one hour: 0..1 daylight, a solar-flux factor and sporadic E. */
export interface Conditions {
  /** Share of the active stations in daylight (0 = all in darkness). */
  readonly daylight: number;
  /** Around 1; above 1 the high bands (15–10 m) open wider. */
  readonly solar: number;
  /** Around 0–4; 6 m only opens when this is high. */
  readonly sporadicE: number;
}

/** Relative share of spots on each band (in SPOT_BANDS order) under `conditions`. */
export function bandWeights({ daylight: d, solar: s, sporadicE: e }: Conditions): number[] {
  const n = 1 - d;
  return [
    0.035 * (0.02 + 0.98 * n ** 2.5),
    0.09 * (0.04 + 0.96 * n * n),
    0.2 * (0.25 + 0.75 * n ** 1.5),
    0.06 * (0.4 + 0.6 * n),
    0.28 * (0.15 + 0.85 * d ** 1.2),
    0.08 * (0.15 + 0.85 * d) * Math.sqrt(s),
    0.12 * (0.06 + 0.94 * d ** 1.3) * s,
    0.045 * (0.04 + 0.96 * d ** 1.6) * s ** 1.5,
    0.1 * (0.03 + 0.97 * d * d) * s * s,
    0.012 * d * d * e,
  ];
}
