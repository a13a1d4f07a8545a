/**
 * Per-class profiles of a labelled numeric table (the ECG heartbeat case: 187 samples a row
 * plus a class): how many rows each class has, its mean row, and a few of its rows to draw as
 * example waveforms. Samples are chosen by a seeded PRNG so the cache build, every worker and
 * every test pick the same rows.
 */
import { mulberry32 } from './mulberry32.js';
import type { CellValue, ClassProfile } from '../shared/api-types.js';

/** Seed used when the caller gives none. */
export const DEFAULT_PROFILE_SEED = 20_240_601;

function typeRank(label: CellValue): number {
  if (label === null) return 0;
  if (typeof label === 'boolean') return 1;
  if (typeof label === 'number') return 2;
  return 3;
}

/**
 * Label order: null, then booleans (false first), numbers ascending (NaN last), strings by
 * UTF-16 code units — not localeCompare, so the order is the same on every machine.
 */
export function compareLabels(a: CellValue, b: CellValue): number {
  const byType = typeRank(a) - typeRank(b);
  if (byType !== 0) return byType;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b))
      return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
    return a - b;
  }
  if (a === b || a === null || b === null) return 0;
  return a < b ? -1 : 1;
}

/** Up to `size` of the ascending `indices`, a seeded partial Fisher-Yates, kept in row order. */
function sampleIndices(indices: readonly number[], size: number, seed: number): number[] {
  if (indices.length <= size) return [...indices];
  const pool = [...indices];
  const random = mulberry32(seed);
  for (let k = 0; k < size; k += 1) {
    const pick = k + Math.floor(random() * (pool.length - k));
    const chosen = pool[pick] as number;
    pool[pick] = pool[k] as number;
    pool[k] = chosen;
  }
  return pool.slice(0, size).sort((a, b) => a - b);
}

function cleanValue(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * One profile per distinct label, sorted by `compareLabels`: the row count, the mean of each
 * column over the class's non-null values (null when it has none), and up to
 * `samplesPerClass` of its rows in their original order. Each class draws its samples from
 * its own PRNG seeded with `seed`, so adding rows of one class does not reshuffle the others.
 * Labels group by SameValueZero (1 and '1' are different classes). NaN and ±Infinity count as
 * nulls, in the means and in the samples.
 */
export function classProfiles(
  labels: readonly CellValue[],
  rows: readonly (readonly (number | null)[])[],
  samplesPerClass: number,
  seed: number = DEFAULT_PROFILE_SEED,
): ClassProfile[] {
  if (labels.length !== rows.length) {
    throw new RangeError(`classProfiles: ${labels.length} labels for ${rows.length} rows`);
  }
  if (!Number.isInteger(samplesPerClass) || samplesPerClass < 0) {
    throw new RangeError(
      `classProfiles: samplesPerClass must be a non-negative integer, got ${samplesPerClass}`,
    );
  }
  const width = rows[0]?.length ?? 0;
  for (const [index, row] of rows.entries()) {
    if (row.length !== width) {
      throw new RangeError(
        `classProfiles: row ${index} has ${row.length} values, row 0 has ${width}`,
      );
    }
  }

  const members = new Map<CellValue, number[]>();
  for (const [index, label] of labels.entries()) {
    const list = members.get(label);
    if (list === undefined) members.set(label, [index]);
    else list.push(index);
  }

  const classes = [...members.keys()].sort(compareLabels);
  return classes.map((label) => {
    const indices = members.get(label) as number[];
    const sums = new Float64Array(width);
    const counts = new Uint32Array(width);
    for (const index of indices) {
      const row = rows[index] as readonly (number | null)[];
      for (let j = 0; j < width; j += 1) {
        const value = cleanValue(row[j]);
        if (value === null) continue;
        sums[j] = (sums[j] as number) + value;
        counts[j] = (counts[j] as number) + 1;
      }
    }
    const mean = Array.from(sums, (sum, j) => {
      const count = counts[j] as number;
      return count === 0 ? null : sum / count;
    });
    const samples = sampleIndices(indices, samplesPerClass, seed).map((index) =>
      Array.from(rows[index] as readonly (number | null)[], cleanValue),
    );
    return { label, count: indices.length, mean, samples };
  });
}
