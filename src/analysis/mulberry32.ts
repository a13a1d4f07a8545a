/**
 * mulberry32 (Tommy Ettinger): a tiny, well-mixed 32-bit PRNG. Seeded draws make samples,
 * simulated feeds and generated example data identical on every run; Math.random cannot be seeded.
 */

const UINT32_RANGE = 4_294_967_296;

/** A stream of floats in [0, 1) for `seed` (only its low 32 bits are used). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / UINT32_RANGE;
  };
}
