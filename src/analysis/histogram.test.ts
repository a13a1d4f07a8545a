import { describe, expect, it } from 'vitest';
import { binIndex, histogramEdges } from './histogram.js';

describe('histogramEdges', () => {
  it('splits the range into equal-width bins with exact ends', () => {
    expect(histogramEdges(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(histogramEdges(-1, 1, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
    const edges = histogramEdges(0.1, 0.7, 3);
    expect(edges).toHaveLength(4);
    expect(edges[0]).toBe(0.1);
    expect(edges[3]).toBe(0.7);
    expect(edges[1]).toBeCloseTo(0.3, 15);
    expect(edges[2]).toBeCloseTo(0.5, 15);
  });

  it('makes one bin around a constant value', () => {
    expect(histogramEdges(3, 3, 10)).toEqual([2.5, 3.5]);
    expect(histogramEdges(0, 0, 1)).toEqual([-0.5, 0.5]);
    const [low, high] = histogramEdges(1e17, 1e17, 10) as [number, number];
    expect(low).toBeLessThan(1e17);
    expect(high).toBeGreaterThan(1e17);
  });

  it('rejects unusable arguments', () => {
    expect(() => histogramEdges(1, 0, 3)).toThrow(RangeError);
    expect(() => histogramEdges(0, Number.POSITIVE_INFINITY, 3)).toThrow(RangeError);
    expect(() => histogramEdges(0, Number.NaN, 3)).toThrow(RangeError);
    expect(() => histogramEdges(0, 1, 0)).toThrow(RangeError);
    expect(() => histogramEdges(0, 1, 2.5)).toThrow(RangeError);
  });
});

describe('binIndex', () => {
  const edges = [0, 2, 4, 6, 8, 10];

  it('puts a value on an inner edge in the bin that edge opens', () => {
    expect(binIndex(0, edges)).toBe(0);
    expect(binIndex(1.999, edges)).toBe(0);
    expect(binIndex(2, edges)).toBe(1);
    expect(binIndex(7, edges)).toBe(3);
    expect(binIndex(8, edges)).toBe(4);
  });

  it('closes the last bin', () => {
    expect(binIndex(10, edges)).toBe(4);
    expect(binIndex(3, [2.5, 3.5])).toBe(0);
    expect(binIndex(3.5, [2.5, 3.5])).toBe(0);
  });

  it('answers -1 outside the edges, for NaN and for too few edges', () => {
    expect(binIndex(-0.001, edges)).toBe(-1);
    expect(binIndex(10.001, edges)).toBe(-1);
    expect(binIndex(Number.NaN, edges)).toBe(-1);
    expect(binIndex(1, [1])).toBe(-1);
    expect(binIndex(1, [])).toBe(-1);
  });

  it('agrees with histogramEdges on every value of a column', () => {
    const values = Array.from({ length: 101 }, (_, i) => 0.1 + i * 0.006);
    const bins = histogramEdges(0.1, values.at(-1) as number, 7);
    const counts = new Array<number>(7).fill(0);
    for (const value of values) {
      const bin = binIndex(value, bins);
      expect(bin).toBeGreaterThanOrEqual(0);
      expect(value).toBeGreaterThanOrEqual(bins[bin] as number);
      if (bin < 6) expect(value).toBeLessThan(bins[bin + 1] as number);
      else expect(value).toBeLessThanOrEqual(bins[7] as number);
      counts[bin] = (counts[bin] as number) + 1;
    }
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(101);
  });
});
