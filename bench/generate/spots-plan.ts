/**
 * The hour-by-hour plan of a spots table: how many spots each hour gets and how they split
 * across bands. Activity follows the operators' waking hours (Europe, North America and Asia
 * weighted by how much they spot), the band mix follows daylight, the days differ in solar
 * flux and sporadic E, weekends are busier, and the last full weekend is a CW contest
 * (like CQ World Wide DX CW, held on the last full weekend of November). Pure and seeded.
 */
import { bandWeights } from './spots-bands.js';
import { createRandom } from './random.js';

const HOUR_MS = 3_600_000;
const DAY_HOURS = 24;

/** Where the spotting operators are: UTC offset in hours and share of the activity. */
const REGIONS: readonly { readonly utcOffset: number; readonly share: number }[] = [
  { utcOffset: 1, share: 0.55 },
  { utcOffset: -5, share: 0.35 },
  { utcOffset: 9, share: 0.1 },
];

export interface SpotsPlanOptions {
  readonly seed: number;
  /** First hour of the table, UTC (ISO 8601). */
  readonly start: string;
  readonly days: number;
  /** Make the last full Saturday–Sunday a CW contest weekend (default true). */
  readonly contestWeekend?: boolean;
}

export interface SpotHour {
  /** Hours since `start`. */
  readonly index: number;
  readonly spots: number;
  /** Cumulative band shares (SPOT_BANDS order), the last one 1. */
  readonly bandThresholds: readonly number[];
  readonly contest: boolean;
}

export interface SpotsPlan {
  readonly startMs: number;
  readonly hours: readonly SpotHour[];
}

function hourOfDay(localHour: number): number {
  return ((localHour % DAY_HOURS) + DAY_HOURS) % DAY_HOURS;
}

/** 0..1: how much of a region is in daylight at local hour `h` (a November day, 7:30–16:30). */
function localDaylight(h: number): number {
  const x = Math.cos((2 * Math.PI * (h - 12)) / DAY_HOURS);
  return Math.min(1, Math.max(0, (x + 0.2) / 0.9));
}

/** 0.1..1: how many operators are on the air at local hour `h` (evening peak, few at 4 am). */
function localActivity(h: number): number {
  const awake =
    Math.exp(-0.5 * ((h - 17) / 4.5) ** 2) + 0.6 * Math.exp(-0.5 * ((h - 9) / 2.5) ** 2);
  return 0.1 + 0.9 * Math.min(1, awake);
}

/** Daylight and operator activity over the regions at UTC hour `utcHour`. */
export function diurnal(utcHour: number): { daylight: number; activity: number } {
  let daylight = 0;
  let activity = 0;
  for (const region of REGIONS) {
    const local = hourOfDay(utcHour + region.utcOffset);
    const active = region.share * localActivity(local);
    daylight += active * localDaylight(local);
    activity += active;
  }
  return { daylight: daylight / activity, activity };
}

/**
 * Split `total` into integers proportional to `weights` that sum exactly to `total`
 * (largest remainder; ties go to the lower index, so the result is deterministic).
 */
export function allocateCounts(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((weight) => (sum > 0 ? (total * weight) / sum : 0));
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (left <= 0) break;
    counts[index] = (counts[index] ?? 0) + 1;
    left -= 1;
  }
  return counts;
}

/** Day indexes (from `startMs`) of the last Saturday whose Sunday is still inside the window. */
function lastFullWeekend(startMs: number, days: number): number | undefined {
  for (let day = days - 2; day >= 0; day--) {
    if (new Date(startMs + day * DAY_HOURS * HOUR_MS).getUTCDay() === 6) return day;
  }
  return undefined;
}

function cumulative(weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  let running = 0;
  return weights.map((weight, index) => {
    running += weight;
    return index === weights.length - 1 ? 1 : running / sum;
  });
}

/** The plan for `rows` spots; the same options always give the same plan. */
export function planSpots(rows: number, options: SpotsPlanOptions): SpotsPlan {
  const startMs = Date.parse(options.start);
  if (!Number.isFinite(startMs)) throw new RangeError(`start: not an ISO date: ${options.start}`);
  const random = createRandom(options.seed);
  const contestDay =
    options.contestWeekend === false ? undefined : lastFullWeekend(startMs, options.days);
  let solar = 1;
  const activity: number[] = [];
  const thresholds: number[][] = [];
  const contest: boolean[] = [];
  for (let day = 0; day < options.days; day++) {
    // Solar flux drifts from day to day; sporadic E opens 6 m on about one day in five.
    solar = Math.min(1.5, Math.max(0.6, 0.8 * solar + 0.2 + random.normal(0, 0.12)));
    const sporadicE = random.next() < 0.2 ? random.uniform(1, 4) : random.uniform(0, 0.3);
    const dayFactor = random.uniform(0.9, 1.1);
    const weekday = new Date(startMs + day * DAY_HOURS * HOUR_MS).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? 1.2 : 1;
    const isContest = contestDay !== undefined && (day === contestDay || day === contestDay + 1);
    for (let hour = 0; hour < DAY_HOURS; hour++) {
      const { daylight, activity: active } = diurnal(hour);
      const jitter = random.uniform(0.93, 1.07);
      activity.push(active * dayFactor * weekend * jitter * (isContest ? 2.6 : 1));
      thresholds.push(cumulative(bandWeights({ daylight, solar, sporadicE })));
      contest.push(isContest);
    }
  }
  const counts = allocateCounts(rows, activity);
  return {
    startMs,
    hours: counts.map((spots, index) => ({
      index,
      spots,
      bandThresholds: thresholds[index] ?? [],
      contest: contest[index] ?? false,
    })),
  };
}
