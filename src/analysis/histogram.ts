/**
 * Equal-width histogram bins shared by the SQL histogram builder (which needs the edges up front)
 * and the in-memory path for small and PostgreSQL datasets, so both agree on which bin a value
 * falls in: bin i covers [edges[i], edges[i+1]) and the last bin also takes its right edge.
 */

/** Half-width of the single bin drawn around a constant column's value. */
function constantHalfWidth(value: number): number {
  // 0.5 centres an integer in its own unit bin; far from zero it is widened so that
  // value ± half is still distinguishable from value in float64.
  return Math.max(0.5, Math.abs(value) * 1e-9);
}

/**
 * `bins + 1` equal-width edges from `min` to `max` (both exact). When `min === max` there is one
 * bin around the value instead, whatever `bins` says, since every value falls in it.
 */
export function histogramEdges(min: number, max: number, bins: number): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new RangeError(`histogramEdges: need finite min <= max, got ${min} and ${max}`);
  }
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`histogramEdges: bins must be a positive integer, got ${bins}`);
  }
  if (min === max) {
    const half = constantHalfWidth(min);
    return [min - half, max + half];
  }
  const width = max - min;
  const edges = new Array<number>(bins + 1);
  // min + width * i / bins rather than a running sum, so rounding errors do not accumulate.
  for (let i = 0; i < bins; i += 1) edges[i] = min + (width * i) / bins;
  edges[bins] = max;
  return edges;
}

/**
 * The bin of `value` for ascending `edges`: i when edges[i] <= value < edges[i+1], the last bin
 * for value === its right edge, and -1 for values outside the edges, NaN, or fewer than 2 edges.
 */
export function binIndex(value: number, edges: readonly number[]): number {
  const last = edges.length - 1;
  if (last < 1) return -1;
  const low = edges[0] as number;
  const high = edges[last] as number;
  if (!(value >= low && value <= high)) return -1;
  if (value === high) return last - 1;
  // Binary search on the edges themselves (not (value - min) / width), so a value sitting
  // exactly on an edge always lands in the bin that edge opens.
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const middle = (lo + hi) >>> 1;
    if ((edges[middle] as number) <= value) lo = middle;
    else hi = middle;
  }
  return lo;
}
