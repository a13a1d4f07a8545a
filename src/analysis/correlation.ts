/**
 * Pearson correlation matrix of numeric columns for the correlation heatmap. Wide tables are
 * the point (the ECG case: 187 columns × a 20,000-row sample), so columns without nulls take a
 * fast path — standardized once, then one blocked dot product per pair — and only columns with
 * nulls pay for pairwise-complete sums.
 */
import { upperGram } from './gram.js';

interface PreparedColumn {
  /** The values, NaN for null; centered on the column mean (of its non-null values). */
  readonly centered: Float64Array;
  readonly hasNulls: boolean;
  /** Fewer than two distinct non-null values: no correlation with anything. */
  readonly constant: boolean;
}

function prepare(column: readonly (number | null)[], rows: number): PreparedColumn {
  const centered = new Float64Array(rows);
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let row = 0; row < rows; row += 1) {
    const value = column[row];
    if (typeof value === 'number' && Number.isFinite(value)) {
      centered[row] = value;
      count += 1;
      sum += value;
      if (value < min) min = value;
      if (value > max) max = value;
    } else {
      centered[row] = Number.NaN;
    }
  }
  const constant = count < 2 || min === max;
  if (!constant) {
    const mean = sum / count;
    for (let row = 0; row < rows; row += 1) centered[row] = (centered[row] as number) - mean;
  }
  return { centered, hasNulls: count < rows, constant };
}

/** Scales a null-free centered column to unit length in place, so a dot product is r. */
function normalize(centered: Float64Array): void {
  let squares = 0;
  for (let row = 0; row < centered.length; row += 1) {
    const value = centered[row] as number;
    squares += value * value;
  }
  const scale = 1 / Math.sqrt(squares);
  for (let row = 0; row < centered.length; row += 1) {
    centered[row] = (centered[row] as number) * scale;
  }
}

function clamp(r: number): number {
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/**
 * Pearson r over the rows where both values are present; null when fewer than two such rows
 * or when either side is constant over them.
 */
function pairwiseComplete(a: Float64Array, b: Float64Array): number | null {
  let count = 0;
  let sumA = 0;
  let sumB = 0;
  let sumAA = 0;
  let sumBB = 0;
  let sumAB = 0;
  let firstA = Number.NaN;
  let firstB = Number.NaN;
  let variesA = false;
  let variesB = false;
  for (let row = 0; row < a.length; row += 1) {
    const x = a[row] as number;
    const y = b[row] as number;
    // NaN marks a null; NaN !== NaN.
    if (x !== x || y !== y) continue;
    if (count === 0) {
      firstA = x;
      firstB = y;
    } else {
      if (x !== firstA) variesA = true;
      if (y !== firstB) variesB = true;
    }
    count += 1;
    sumA += x;
    sumB += y;
    sumAA += x * x;
    sumBB += y * y;
    sumAB += x * y;
  }
  // Exact test for constancy: the sums of squares of a constant subset are rarely exactly 0.
  if (count < 2 || !variesA || !variesB) return null;
  // The columns are centered on their own means, so these differences do not cancel badly.
  const varA = sumAA - (sumA * sumA) / count;
  const varB = sumBB - (sumB * sumB) / count;
  if (!(varA > 0) || !(varB > 0)) return null;
  return clamp((sumAB - (sumA * sumB) / count) / Math.sqrt(varA * varB));
}

/**
 * Pearson correlation of every pair of columns (all of one length), over pairwise-complete
 * rows (both values non-null). An entry is null when the pair has fewer than two complete rows
 * or either column is constant over them; the diagonal is 1, or null for a constant column.
 * NaN and ±Infinity count as nulls. The result is symmetric.
 */
export function correlationMatrix(
  columns: readonly (readonly (number | null)[])[],
): (number | null)[][] {
  const width = columns.length;
  const rows = columns[0]?.length ?? 0;
  for (const [index, column] of columns.entries()) {
    if (column.length !== rows) {
      throw new RangeError(
        `correlationMatrix: column ${index} has ${column.length} rows, column 0 has ${rows}`,
      );
    }
  }
  const prepared = columns.map((column) => prepare(column, rows));
  const matrix: (number | null)[][] = Array.from({ length: width }, () =>
    new Array<number | null>(width).fill(null),
  );

  const dense: number[] = [];
  for (const [index, column] of prepared.entries()) {
    if (column.constant) continue;
    (matrix[index] as (number | null)[])[index] = 1;
    if (!column.hasNulls) {
      normalize(column.centered);
      dense.push(index);
    }
  }

  const sums = upperGram(
    dense.map((index) => (prepared[index] as PreparedColumn).centered),
    rows,
  );
  for (let i = 0; i < dense.length; i += 1) {
    for (let j = i + 1; j < dense.length; j += 1) {
      const r = clamp((sums[i] as Float64Array)[j] as number);
      (matrix[dense[i] as number] as (number | null)[])[dense[j] as number] = r;
      (matrix[dense[j] as number] as (number | null)[])[dense[i] as number] = r;
    }
  }

  for (let i = 0; i < width; i += 1) {
    const a = prepared[i] as PreparedColumn;
    if (a.constant) continue;
    for (let j = i + 1; j < width; j += 1) {
      const b = prepared[j] as PreparedColumn;
      if (b.constant || (!a.hasNulls && !b.hasNulls)) continue;
      const r = pairwiseComplete(a.centered, b.centered);
      (matrix[i] as (number | null)[])[j] = r;
      (matrix[j] as (number | null)[])[i] = r;
    }
  }
  return matrix;
}
