import { describe, expect, it } from 'vitest';
import { downsample, lttbIndices } from './lttb.js';

const range = (length: number): number[] => Array.from({ length }, (_, index) => index);

function expectAscendingUnique(indices: readonly number[]): void {
  for (let i = 1; i < indices.length; i += 1) {
    expect(indices[i]).toBeGreaterThan(indices[i - 1] as number);
  }
}

describe('lttbIndices', () => {
  it('picks the hand-computed points of a small series', () => {
    // Buckets of 2.5 points: {1,2} against the mean (4,2) of {3,4,5} → doubled areas 2 and 4,
    // keep 2; then {3,4,5} against (6,0) from anchor (2,0) → 20, 0, 4, keep 3.
    expect(lttbIndices(range(7), [0, 1, 0, 5, 0, 1, 0], 4)).toEqual([0, 2, 3, 6]);
  });

  it('keeps a single spike in a long, quiet series', () => {
    const x = range(1000);
    const y = x.map((value) => Math.sin(value / 20) * 0.1);
    y[537] = 100;
    y[812] = -100;
    const kept = lttbIndices(x, y, 50);
    expect(kept).toHaveLength(50);
    expect(kept).toContain(537);
    expect(kept).toContain(812);
    expectAscendingUnique(kept);
  });

  it('keeps both endpoints of a straight line and exactly threshold points', () => {
    const x = range(100);
    const kept = lttbIndices(
      x,
      x.map((value) => 2 * value + 1),
      10,
    );
    expect(kept).toHaveLength(10);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(99);
    expectAscendingUnique(kept);
  });

  it('returns every index when the threshold is below 3 or not below the length', () => {
    const y = [1, null, 3, 4, 5];
    expect(lttbIndices(range(5), y, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(lttbIndices(range(5), y, 50)).toEqual([0, 1, 2, 3, 4]);
    expect(lttbIndices(range(5), y, 2)).toEqual([0, 1, 2, 3, 4]);
    expect(lttbIndices(range(5), y, Number.NaN)).toEqual([0, 1, 2, 3, 4]);
    expect(lttbIndices([], [], 10)).toEqual([]);
  });

  it('never picks an interior null, and spends null endpoints from the budget', () => {
    const x = range(40);
    const y: (number | null)[] = x.map((value) => (value % 3 === 0 ? null : value % 7));
    const kept = lttbIndices(x, y, 8);
    expect(kept.length).toBeLessThanOrEqual(8);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(39);
    for (const index of kept.slice(1, -1)) expect(y[index]).not.toBeNull();
    expectAscendingUnique(kept);
  });

  it('keeps the nulls at the two ends and the spike between them', () => {
    const x = range(30);
    const y: (number | null)[] = x.map(() => 1);
    y[0] = null;
    y[29] = null;
    y[14] = 50;
    const kept = lttbIndices(x, y, 3);
    expect(kept).toEqual([0, 1, 29]);
    const wider = lttbIndices(x, y, 6);
    expect(wider).toHaveLength(6);
    expect(wider).toEqual(expect.arrayContaining([0, 14, 29]));
  });

  it('treats NaN and Infinity as gaps', () => {
    const x = range(10);
    const y = [0, Number.NaN, 1, Number.POSITIVE_INFINITY, 2, 3, 4, 5, 6, 7];
    const kept = lttbIndices(x, y, 5);
    expect(kept).not.toContain(1);
    expect(kept).not.toContain(3);
  });

  it('returns the endpoints of an all-null series', () => {
    expect(lttbIndices(range(10), new Array<null>(10).fill(null), 4)).toEqual([0, 9]);
  });

  it('rejects series of different lengths', () => {
    expect(() => lttbIndices([0, 1, 2], [0, 1], 3)).toThrow(RangeError);
  });
});

describe('downsample', () => {
  const x = range(200);
  const quiet = x.map((value) => Math.cos(value / 10));

  it('keeps the peaks of every series when their union fits', () => {
    const a = [...quiet];
    const b = [...quiet];
    a[50] = 40;
    b[150] = -40;
    const kept = downsample(x, [a, b], 30);
    expect(kept.length).toBeLessThanOrEqual(30);
    expect(kept).toEqual(expect.arrayContaining([0, 50, 150, 199]));
    expectAscendingUnique(kept);
  });

  it('shrinks the per-series budget until the union fits', () => {
    const a = x.map((value) => Math.sin(value * 1.3));
    const b = x.map((value) => Math.cos(value * 0.7));
    const kept = downsample(x, [a, b], 40);
    expect(kept.length).toBeLessThanOrEqual(40);
    expect(kept.length).toBeGreaterThan(lttbIndices(x, a, 20).length);
    expect(kept).toEqual(expect.arrayContaining([0, 199]));
    expectAscendingUnique(kept);
  });

  it('falls back to the series with the largest variance when 3 points each do not fit', () => {
    // At 3 points a series keeps its endpoints and its spike: 2 + 5 distinct indices > 6.
    const series = range(5).map((k) => {
      const y = x.map(() => 0);
      y[20 + 30 * k] = 10 * (k + 1);
      return y;
    });
    const kept = downsample(x, series, 6);
    expect(kept).toEqual(lttbIndices(x, series[4] as number[], 6));
  });

  it('returns one index per bucket for no series and all of them under the threshold', () => {
    // A flat series has zero area everywhere: the first point of each bucket of 4.
    expect(downsample(range(10), [], 4)).toEqual([0, 1, 5, 9]);
    expect(downsample(range(5), [[1, 2, 3, 4, 5]], 5)).toEqual([0, 1, 2, 3, 4]);
  });
});
