import { describe, expect, it } from 'vitest';
import { mulberry32 } from './mulberry32.js';

describe('mulberry32', () => {
  it('gives the reference sequence for a seed, in [0, 1)', () => {
    const next = mulberry32(42);
    const values = [next(), next(), next()];
    // Pinned: committed example data and seeded samples depend on this exact sequence.
    expect(values.map((v) => v * 4_294_967_296)).toEqual([2581720956, 1925393290, 3661312704]);
    for (const value of values) expect(value >= 0 && value < 1).toBe(true);
  });
  it('repeats for the same seed and differs for another', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
  });
});
