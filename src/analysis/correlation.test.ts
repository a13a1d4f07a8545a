import { describe, expect, it } from 'vitest';
import { correlationMatrix } from './correlation.js';

const x = [1, 2, 3, 4, 5, 6, 7, 8];

function entry(matrix: (number | null)[][], i: number, j: number): number | null {
  return matrix[i]?.[j] ?? null;
}

describe('correlationMatrix', () => {
  it('gives 1 for a positive linear relation, -1 for a negative one, 0 for orthogonal ones', () => {
    const a = [1, -1, 1, -1, 1, -1, 1, -1];
    const b = [1, 1, -1, -1, 1, 1, -1, -1];
    const matrix = correlationMatrix([
      x,
      x.map((value) => 2 * value + 1),
      x.map((value) => -value),
      a,
      b,
    ]);
    expect(entry(matrix, 0, 1)).toBeCloseTo(1, 12);
    expect(entry(matrix, 0, 2)).toBeCloseTo(-1, 12);
    expect(entry(matrix, 1, 2)).toBeCloseTo(-1, 12);
    expect(entry(matrix, 3, 4)).toBeCloseTo(0, 12);
    for (let i = 0; i < 5; i += 1) expect(entry(matrix, i, i)).toBe(1);
  });

  it('matches a hand-computed coefficient and is symmetric', () => {
    // x = 1 2 3, y = 1 3 2: deviations (-1 0 1) and (-1 1 0): r = 1 / (√2 · √2) = 0.5.
    const matrix = correlationMatrix([
      [1, 2, 3],
      [1, 3, 2],
    ]);
    expect(entry(matrix, 0, 1)).toBeCloseTo(0.5, 14);
    expect(entry(matrix, 1, 0)).toBe(entry(matrix, 0, 1));
  });

  it('answers null for a constant column, its diagonal included', () => {
    const matrix = correlationMatrix([x, x.map(() => 0.1), x.map((value) => value * value)]);
    expect(entry(matrix, 1, 1)).toBeNull();
    expect(entry(matrix, 0, 1)).toBeNull();
    expect(entry(matrix, 1, 2)).toBeNull();
    expect(entry(matrix, 0, 2)).toBeGreaterThan(0.9);
  });

  it('uses only the rows where both values are present', () => {
    // Without the null rows y = 3x exactly; the values at those rows would spoil it.
    const withNulls = [3, 6, null, 12, 15, 18, null, 24];
    const noise = [1, 2, 3, 4, 5, 6, 7, 8].map((value) => (value === 3 ? 100 : value));
    const matrix = correlationMatrix([x, withNulls, noise]);
    expect(entry(matrix, 0, 1)).toBeCloseTo(1, 12);
    expect(entry(matrix, 1, 1)).toBe(1);
    // noise vs withNulls skips row 2 (the outlier) because withNulls is null there.
    expect(entry(matrix, 1, 2)).toBeCloseTo(1, 12);
    expect(entry(matrix, 0, 2)).toBeLessThan(0.5);
  });

  it('answers null with fewer than two complete pairs or a pair constant where complete', () => {
    const a = [1, 2, null, null, 5];
    const b = [null, 7, 8, 9, null];
    const c = [4, 4, 5, 6, 4];
    const matrix = correlationMatrix([a, b, c]);
    expect(entry(matrix, 0, 1)).toBeNull();
    // Where a is present, c is always 4.
    expect(entry(matrix, 0, 2)).toBeNull();
    expect(entry(matrix, 1, 2)).toBeCloseTo(1, 12);
  });

  it('treats NaN and infinities as nulls and handles empty input', () => {
    const matrix = correlationMatrix([
      [1, 2, Number.NaN, 4],
      [2, 4, 5, Number.POSITIVE_INFINITY],
    ]);
    expect(entry(matrix, 0, 1)).toBeCloseTo(1, 12);
    expect(correlationMatrix([])).toEqual([]);
    expect(correlationMatrix([[], []])).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it('gives the same answer on the fast path and the pairwise path', () => {
    const columns = [0, 1, 2, 3].map((shift) =>
      Array.from({ length: 300 }, (_, row) => Math.sin(row * (shift + 1) * 0.37) + row / 300),
    );
    const dense = correlationMatrix(columns);
    // A null in a row beyond the data forces every pair through the pairwise path.
    const padded = correlationMatrix(columns.map((column) => [...column, null]));
    for (let i = 0; i < 4; i += 1) {
      for (let j = 0; j < 4; j += 1) {
        expect(entry(padded, i, j)).toBeCloseTo(entry(dense, i, j) as number, 12);
      }
    }
  });

  it('rejects columns of different lengths', () => {
    expect(() =>
      correlationMatrix([
        [1, 2, 3],
        [1, 2],
      ]),
    ).toThrow(RangeError);
  });

  // Its speed is measured by `npm run bench core` (the heartbeat cache build with every
  // analysis), not asserted here: a timed unit test fails on a loaded machine, not on slow code.
  it('handles 187 columns of 20,000 uncorrelated rows', () => {
    const rows = 20_000;
    let state = 7;
    const next = (): number => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const columns = Array.from({ length: 187 }, () => Array.from({ length: rows }, next));
    const matrix = correlationMatrix(columns);
    expect(matrix).toHaveLength(187);
    expect(Math.abs(entry(matrix, 3, 140) as number)).toBeLessThan(0.05);
  });
});
