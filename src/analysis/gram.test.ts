import { describe, expect, it } from 'vitest';
import { upperGram } from './gram.js';

describe('upperGram', () => {
  it('computes the upper triangle of the dot products', () => {
    const a = Float64Array.from([1, 2, 3]);
    const b = Float64Array.from([4, 5, 6]);
    const gram = upperGram([a, b], 3);
    expect(Array.from(gram[0] as Float64Array)).toEqual([14, 32]);
    expect(Array.from(gram[1] as Float64Array)).toEqual([0, 77]);
  });

  it('adds up across row blocks and odd lengths', () => {
    const rows = 1_301;
    const ones = new Float64Array(rows).fill(1);
    const ramp = Float64Array.from({ length: rows }, (_, k) => k);
    const gram = upperGram([ones, ramp], rows);
    expect(gram[0]?.[0]).toBe(rows);
    expect(gram[0]?.[1]).toBe((rows * (rows - 1)) / 2);
    expect(gram[1]?.[1]).toBe(((rows - 1) * rows * (2 * rows - 1)) / 6);
  });

  it('handles no columns and no rows', () => {
    expect(upperGram([], 10)).toEqual([]);
    expect(Array.from(upperGram([new Float64Array(0)], 0)[0] as Float64Array)).toEqual([0]);
  });
});
