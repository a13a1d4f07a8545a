/**
 * Column statistics computed in memory: the path for PostgreSQL and other small datasets that
 * do not go through DuckDB, and the oracle the SQL statistics are tested against. Conventions
 * follow DuckDB and numpy: sample standard deviation, quantiles by linear interpolation
 * between closest ranks (numpy's default `method="linear"`).
 */
import type { ColumnStats, Quantiles } from '../shared/api-types.js';

/** The quantile levels reported in ColumnStats. */
export const QUANTILE_LEVELS = { p05: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95 } as const;

/**
 * Quantile `level` (0..1) of ascending `sorted` values, linear between closest ranks:
 * h = (n - 1) * level, then sorted[floor(h)] moved (h - floor(h)) of the way to the next.
 */
export function quantileSorted(sorted: ArrayLike<number>, level: number): number | null {
  const count = sorted.length;
  if (count === 0) return null;
  const position = (count - 1) * level;
  const below = Math.floor(position);
  const low = sorted[below] as number;
  if (below + 1 >= count) return low;
  const high = sorted[below + 1] as number;
  const fraction = position - below;
  return fraction === 0 ? low : low + fraction * (high - low);
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/**
 * count (non-null), nulls, distinct (non-null), min, max, mean, sample std (null below 2
 * values) and p05/p25/p50/p75/p95. NaN counts as a null; ±Infinity is a value, but a mean or
 * std it makes non-finite is reported as null because JSON cannot carry it.
 */
export function describeNumbers(values: readonly (number | null)[]): ColumnStats {
  const present = new Float64Array(values.length);
  let count = 0;
  for (const value of values) {
    if (value !== null && !Number.isNaN(value)) {
      present[count] = value;
      count += 1;
    }
  }
  const nulls = values.length - count;
  if (count === 0) {
    return {
      count,
      nulls,
      distinct: 0,
      min: null,
      max: null,
      mean: null,
      std: null,
      quantiles: null,
    };
  }
  // Typed-array sort is numeric and fast; -0 sorts before 0, which min/max and quantiles ignore.
  const sorted = present.subarray(0, count).sort();

  let sum = 0;
  for (const value of sorted) sum += value;
  let mean = sum / count;
  // Second pass: corrects the mean's rounding error and gives squared deviations without the
  // cancellation of sum(x²) - n·mean².
  let deviation = 0;
  let squares = 0;
  for (const value of sorted) {
    const delta = value - mean;
    deviation += delta;
    squares += delta * delta;
  }
  mean += deviation / count;
  const variance = count < 2 ? null : (squares - (deviation * deviation) / count) / (count - 1);

  let distinct = 1;
  for (let i = 1; i < count; i += 1) {
    if ((sorted[i] as number) !== (sorted[i - 1] as number)) distinct += 1;
  }

  const quantiles: Quantiles = {
    p05: quantileSorted(sorted, QUANTILE_LEVELS.p05),
    p25: quantileSorted(sorted, QUANTILE_LEVELS.p25),
    p50: quantileSorted(sorted, QUANTILE_LEVELS.p50),
    p75: quantileSorted(sorted, QUANTILE_LEVELS.p75),
    p95: quantileSorted(sorted, QUANTILE_LEVELS.p95),
  };
  return {
    count,
    nulls,
    distinct,
    min: sorted[0] as number,
    max: sorted[count - 1] as number,
    mean: finiteOrNull(mean),
    std: variance === null ? null : finiteOrNull(Math.sqrt(Math.max(0, variance))),
    quantiles,
  };
}
