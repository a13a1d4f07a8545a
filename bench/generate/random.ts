/**
 * A small seeded PRNG (mulberry32) so generated data is identical on every run and machine:
 * Math.random cannot be seeded, and committed example files must not change when regenerated.
 */
import { mulberry32 } from '../../src/analysis/mulberry32.js';

/** Uniform, normal and weighted draws from one seeded stream. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
  /** Integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** Gaussian with the given mean and standard deviation. */
  normal(mean?: number, sd?: number): number;
  /** Index drawn with probability proportional to its weight. */
  weighted(weights: readonly number[]): number;
}

/** A deterministic random stream for `seed` (any number; only its low 32 bits are used). */
export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  let spareNormal: number | undefined;

  function standardNormal(): number {
    if (spareNormal !== undefined) {
      const value = spareNormal;
      spareNormal = undefined;
      return value;
    }
    // Box–Muller; 1 - next() is in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    int: (maxExclusive) => Math.floor(next() * maxExclusive),
    normal: (mean = 0, sd = 1) => mean + sd * standardNormal(),
    weighted(weights) {
      let total = 0;
      for (const weight of weights) total += weight;
      let target = next() * total;
      for (let index = 0; index < weights.length; index++) {
        target -= weights[index] ?? 0;
        if (target < 0) return index;
      }
      return weights.length - 1;
    },
  };
}
