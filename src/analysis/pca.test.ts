import { PCA } from 'ml-pca';
import { describe, expect, it } from 'vitest';
import { pca2d } from './pca.js';

// Orthogonal, zero-mean ±1 patterns over 8 rows (columns of a Hadamard matrix).
const H1 = [1, -1, 1, -1, 1, -1, 1, -1];
const H2 = [1, 1, -1, -1, 1, 1, -1, -1];
const H3 = [1, 1, 1, 1, -1, -1, -1, -1];

function transpose(columns: readonly (readonly (number | null)[])[]): (number | null)[][] {
  const rows = columns[0]?.length ?? 0;
  return Array.from({ length: rows }, (_, i) => columns.map((column) => column[i] ?? null));
}

describe('pca2d', () => {
  it('finds the direction (1,1)/√2 of points along a line with tiny orthogonal noise', () => {
    const rows = Array.from({ length: 50 }, (_, i) => {
      const t = i - 24.5;
      const noise = 0.001 * Math.sin(i * 1.7);
      return [t + noise, t - noise];
    });
    const result = pca2d(rows);
    const [pc1, pc2] = result.components;
    expect(pc1[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(pc1[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(Math.abs(pc2[0] as number)).toBeCloseTo(Math.SQRT1_2, 6);
    expect((pc2[0] as number) * (pc2[1] as number)).toBeLessThan(0);
    expect(result.explainedVariance[0]).toBeGreaterThan(0.9999);
    expect(result.explainedVariance[0] + result.explainedVariance[1]).toBeCloseTo(1, 12);
    expect(result.points.x).toHaveLength(50);
    // The projection on PC1 follows t: the first point is the most negative one.
    expect(Math.min(...result.points.x)).toBe(result.points.x[0]);
  });

  it('recovers known per-axis variances without standardizing', () => {
    // Variances 9, 4 and 1 (times 8/7) on orthogonal axes: shares 9/14 and 4/14.
    const rows = transpose([H1.map((v) => 3 * v), H2.map((v) => 2 * v), H3]);
    const result = pca2d(rows, { standardize: false });
    expect(result.explainedVariance[0]).toBeCloseTo(9 / 14, 12);
    expect(result.explainedVariance[1]).toBeCloseTo(4 / 14, 12);
    const [pc1, pc2] = result.components;
    expect(pc1.map((v) => Math.abs(v))).toEqual([
      expect.closeTo(1, 12),
      expect.closeTo(0, 12),
      expect.closeTo(0, 12),
    ]);
    expect(pc2[1]).toBeCloseTo(1, 12);
    // Sign rule: the largest loading is positive, so the points are the columns themselves.
    expect(pc1[0]).toBeCloseTo(1, 12);
    result.points.x.forEach((x, i) => expect(x).toBeCloseTo(3 * (H1[i] as number), 12));
    result.points.y.forEach((y, i) => expect(y).toBeCloseTo(2 * (H2[i] as number), 12));
  });

  it('gives every standardized axis the same share', () => {
    const rows = transpose([H1.map((v) => 3 * v), H2.map((v) => 2 * v), H3]);
    const result = pca2d(rows);
    expect(result.explainedVariance[0]).toBeCloseTo(1 / 3, 12);
    expect(result.explainedVariance[1]).toBeCloseTo(1 / 3, 12);
  });

  it('agrees with ml-pca fitted on the raw matrix', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [
      Math.sin(i),
      Math.cos(i * 0.3) * 5 + i / 10,
      (i % 7) - 3,
      Math.sin(i) * 2 + (i % 3),
    ]);
    const ours = pca2d(rows);
    const reference = new PCA(rows, { method: 'SVD', center: true, scale: true });
    const variance = reference.getExplainedVariance();
    expect(ours.explainedVariance[0]).toBeCloseTo(variance[0] as number, 10);
    expect(ours.explainedVariance[1]).toBeCloseTo(variance[1] as number, 10);
    const projected = reference.predict(rows, { nComponents: 2 });
    for (let i = 0; i < rows.length; i += 1) {
      expect(Math.abs(ours.points.x[i] as number)).toBeCloseTo(Math.abs(projected.get(i, 0)), 9);
      expect(Math.abs(ours.points.y[i] as number)).toBeCloseTo(Math.abs(projected.get(i, 1)), 9);
    }
  });

  it('imputes nulls by the column mean and drops constant and all-null columns', () => {
    const base = [H1.map((v) => 3 * v), [...H2], H3.map(() => 7), H3.map(() => null)];
    const full = pca2d(transpose(base), { standardize: false });
    // A null in place of a value equal to the column mean (0) changes nothing.
    const holed = base.map((column) => [...column]);
    holed.push(H1.map(() => 1));
    for (const column of holed) column.push(null);
    (holed[0] as (number | null)[])[8] = 0;
    (holed[1] as (number | null)[])[8] = null;
    const result = pca2d(transpose(holed), { standardize: false });
    expect(result.components[0]).toHaveLength(5);
    expect(result.components[0].slice(2)).toEqual([0, 0, 0]);
    expect(result.components[1].slice(2)).toEqual([0, 0, 0]);
    expect(result.components[0][0]).toBeCloseTo(1, 12);
    expect(result.components[1][1]).toBeCloseTo(1, 12);
    expect(result.points.x).toHaveLength(9);
    expect(result.points.y[8]).toBeCloseTo(0, 12);
    expect(result.explainedVariance[0]).toBeCloseTo(full.explainedVariance[0], 12);
  });

  it('is deterministic in sign: negated data gives the same components, negated points', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [i, 2 * i + Math.sin(i), Math.cos(i)]);
    const negated = rows.map((row) => row.map((value) => -value));
    const a = pca2d(rows);
    const b = pca2d(negated);
    a.components[0].forEach((value, j) => expect(b.components[0][j]).toBeCloseTo(value, 10));
    a.components[1].forEach((value, j) => expect(b.components[1][j]).toBeCloseTo(value, 10));
    a.points.x.forEach((value, i) => expect(b.points.x[i]).toBeCloseTo(-value, 10));
    for (const component of a.components) {
      const largest = component.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best));
      expect(largest).toBeGreaterThan(0);
    }
  });

  it('returns zeros where there is nothing to fit', () => {
    expect(pca2d([])).toEqual({
      explainedVariance: [0, 0],
      points: { x: [], y: [] },
      components: [[], []],
    });
    expect(pca2d([[1, 2, 3]])).toEqual({
      explainedVariance: [0, 0],
      points: { x: [0], y: [0] },
      components: [
        [0, 0, 0],
        [0, 0, 0],
      ],
    });
    const single = pca2d(transpose([H1, H1.map(() => 5)]));
    expect(single.explainedVariance).toEqual([1, 0]);
    expect(single.components).toEqual([
      [1, 0],
      [0, 0],
    ]);
    expect(single.points.y).toEqual(new Array(8).fill(0));
  });

  it('rejects rows of different widths', () => {
    expect(() => pca2d([[1, 2], [3]])).toThrow(RangeError);
  });
});
