import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../bench/generate/random.js';

function take(seed: number, count: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => random.next());
}

describe('createRandom', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    expect(take(7, 50)).toEqual(take(7, 50));
    expect(take(7, 50)).not.toEqual(take(8, 50));
  });

  it('draws uniformly in [0, 1)', () => {
    const values = take(1, 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeCloseTo(0.5, 1);
    const lowQuarter = values.filter((value) => value < 0.25).length / values.length;
    expect(lowQuarter).toBeGreaterThan(0.23);
    expect(lowQuarter).toBeLessThan(0.27);
  });

  it('draws normals with the requested mean and standard deviation', () => {
    const random = createRandom(3);
    const values = Array.from({ length: 20_000 }, () => random.normal(5, 2));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(5, 1);
    expect(Math.sqrt(variance)).toBeGreaterThan(1.9);
    expect(Math.sqrt(variance)).toBeLessThan(2.1);
  });

  it('picks indexes in proportion to their weights and never a zero-weight one', () => {
    const random = createRandom(11);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) {
      const index = random.weighted([1, 0, 3]);
      counts[index] = (counts[index] ?? 0) + 1;
    }
    expect(counts[1]).toBe(0);
    expect((counts[2] ?? 0) / (counts[0] ?? 1)).toBeGreaterThan(2.7);
    expect((counts[2] ?? 0) / (counts[0] ?? 1)).toBeLessThan(3.3);
  });

  it('draws integers and uniform ranges inside their bounds', () => {
    const random = createRandom(5);
    for (let i = 0; i < 1_000; i++) {
      const n = random.int(6);
      expect(Number.isInteger(n) && n >= 0 && n < 6).toBe(true);
      const x = random.uniform(-2, 3);
      expect(x >= -2 && x < 3).toBe(true);
    }
  });
});
