import { describe, expect, it } from 'vitest';
import { describeNumbers, quantileSorted } from './describe.js';

describe('quantileSorted', () => {
  it('interpolates linearly between closest ranks like numpy', () => {
    // numpy.quantile([1, 2, 3, 4], [0, .05, .25, .5, .75, .95, 1])
    const sorted = [1, 2, 3, 4];
    expect(quantileSorted(sorted, 0)).toBe(1);
    expect(quantileSorted(sorted, 0.05)).toBeCloseTo(1.15, 12);
    expect(quantileSorted(sorted, 0.25)).toBeCloseTo(1.75, 12);
    expect(quantileSorted(sorted, 0.5)).toBe(2.5);
    expect(quantileSorted(sorted, 0.75)).toBeCloseTo(3.25, 12);
    expect(quantileSorted(sorted, 0.95)).toBeCloseTo(3.85, 12);
    expect(quantileSorted(sorted, 1)).toBe(4);
    expect(quantileSorted([7], 0.3)).toBe(7);
    expect(quantileSorted([], 0.5)).toBeNull();
  });
});

describe('describeNumbers', () => {
  it('matches hand-computed statistics', () => {
    // Values 2 4 4 4 5 5 7 9: mean 5, squared deviations sum 32, sample variance 32/7.
    const stats = describeNumbers([4, null, 2, 9, 4, 5, null, 4, 7, 5]);
    expect(stats.count).toBe(8);
    expect(stats.nulls).toBe(2);
    expect(stats.distinct).toBe(5);
    expect(stats.min).toBe(2);
    expect(stats.max).toBe(9);
    expect(stats.mean).toBe(5);
    expect(stats.std).toBeCloseTo(Math.sqrt(32 / 7), 12);
    // h = 7p: p05 → 0.35 → 2 + .35·2 = 2.7; p25 → 1.75 → 4; p50 → 3.5 → 4.5;
    // p75 → 5.25 → 5 + .25·2 = 5.5; p95 → 6.65 → 7 + .65·2 = 8.3.
    const q = stats.quantiles;
    expect(q?.p05).toBeCloseTo(2.7, 12);
    expect(q?.p25).toBe(4);
    expect(q?.p50).toBe(4.5);
    expect(q?.p75).toBeCloseTo(5.5, 12);
    expect(q?.p95).toBeCloseTo(8.3, 12);
  });

  it('reports nulls only for an empty or all-null column', () => {
    expect(describeNumbers([null, null, Number.NaN])).toEqual({
      count: 0,
      nulls: 3,
      distinct: 0,
      min: null,
      max: null,
      mean: null,
      std: null,
      quantiles: null,
    });
    expect(describeNumbers([]).count).toBe(0);
  });

  it('has no std for a single value and zero std for a constant', () => {
    const single = describeNumbers([3.5]);
    expect(single.std).toBeNull();
    expect(single.mean).toBe(3.5);
    expect(single.quantiles?.p95).toBe(3.5);
    const constant = describeNumbers([0.1, 0.1, 0.1, 0.1]);
    expect(constant.std).toBe(0);
    expect(constant.mean).toBe(0.1);
    expect(constant.distinct).toBe(1);
  });

  it('stays exact on a large offset where the one-pass formula cancels', () => {
    const stats = describeNumbers([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
    expect(stats.mean).toBe(1e9 + 10);
    expect(stats.std).toBeCloseTo(Math.sqrt(90 / 3), 9);
  });

  it('keeps infinities as values but not as a mean', () => {
    const stats = describeNumbers([1, Number.POSITIVE_INFINITY, 3]);
    expect(stats.count).toBe(3);
    expect(stats.max).toBe(Number.POSITIVE_INFINITY);
    expect(stats.mean).toBeNull();
    expect(stats.std).toBeNull();
  });
});
