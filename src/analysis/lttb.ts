/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013, "Downsampling Time Series for
 * Visual Representation", https://skemman.is/handle/1946/15343). `points=N` on the aggregate
 * endpoint uses it so a browser never receives more points than it can draw, while peaks and
 * dips that a plain stride would drop survive. Pure: plain arrays in, indices out.
 */

/**
 * A y value LTTB can place in a triangle. NaN and ±Infinity count as nulls: they have no
 * position on a chart and would turn every area they touch into NaN.
 */
function isDrawable(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function allIndices(length: number): number[] {
  return Array.from({ length }, (_, index) => index);
}

/**
 * Core LTTB over the drawable points `points` (indices into x/y, ascending), keeping `budget`
 * of them. Tie-breaking keeps the first point of a bucket with the largest area, so a flat
 * stretch yields the first point of each bucket.
 */
function lttbOver(
  x: readonly number[],
  y: readonly (number | null)[],
  points: readonly number[],
  budget: number,
): number[] {
  const count = points.length;
  if (count <= budget) return [...points];
  if (budget <= 0) return [];
  const first = points[0] as number;
  const last = points[count - 1] as number;
  if (budget === 1) return [first];
  if (budget === 2) return [first, last];

  const kept: number[] = [first];
  // Points strictly between the two anchors are split into budget - 2 buckets.
  const bucketSize = (count - 2) / (budget - 2);
  let anchor = first;
  for (let bucket = 0; bucket < budget - 2; bucket += 1) {
    const rangeStart = Math.floor(bucket * bucketSize) + 1;
    const rangeEnd = Math.floor((bucket + 1) * bucketSize) + 1;
    // The third triangle vertex is the mean of the next bucket (the last point for the last one).
    const nextStart = rangeEnd;
    const nextEnd = Math.min(Math.floor((bucket + 2) * bucketSize) + 1, count);
    let meanX = 0;
    let meanY = 0;
    for (let p = nextStart; p < nextEnd; p += 1) {
      const index = points[p] as number;
      meanX += x[index] as number;
      meanY += y[index] as number;
    }
    const nextCount = nextEnd - nextStart;
    meanX /= nextCount;
    meanY /= nextCount;

    const anchorX = x[anchor] as number;
    const anchorY = y[anchor] as number;
    let bestArea = -1;
    let best = points[rangeStart] as number;
    for (let p = rangeStart; p < rangeEnd; p += 1) {
      const index = points[p] as number;
      // Twice the triangle area; the factor does not change which point wins.
      const area = Math.abs(
        (anchorX - meanX) * ((y[index] as number) - anchorY) -
          (anchorX - (x[index] as number)) * (meanY - anchorY),
      );
      if (area > bestArea) {
        bestArea = area;
        best = index;
      }
    }
    kept.push(best);
    anchor = best;
  }
  kept.push(last);
  return kept;
}

/**
 * Indices (ascending) of the points LTTB keeps from the series (x, y), at most `threshold` of
 * them. When `threshold >= length` or `threshold < 3` every index is returned, nulls included.
 *
 * Nulls (and non-finite y) are gaps: they never take part in a triangle and are never picked,
 * with one exception — index 0 and index length-1 are always kept so the chart spans the same
 * x range, and when one of them is null it still takes one of the `threshold` slots and LTTB
 * runs over the drawable points with what remains. x must be finite and ascending.
 */
export function lttbIndices(
  x: readonly number[],
  y: readonly (number | null)[],
  threshold: number,
): number[] {
  const length = x.length;
  if (y.length !== length) {
    throw new RangeError(`lttbIndices: x has ${length} values but y has ${y.length}`);
  }
  const limit = Math.floor(threshold);
  if (!(limit >= 3) || limit >= length) return allIndices(length);

  const drawable: number[] = [];
  for (let index = 0; index < length; index += 1) {
    if (isDrawable(y[index])) drawable.push(index);
  }
  const lastIndex = length - 1;
  const nullEnds: number[] = [];
  if (!isDrawable(y[0])) nullEnds.push(0);
  if (!isDrawable(y[lastIndex])) nullEnds.push(lastIndex);

  const picked = lttbOver(x, y, drawable, limit - nullEnds.length);
  if (nullEnds.length === 0) return picked;
  return [...nullEnds, ...picked].sort((a, b) => a - b);
}

/** Sample variance of the drawable values; 0 when fewer than two. */
function variance(values: readonly (number | null)[]): number {
  let count = 0;
  let mean = 0;
  let squares = 0;
  // Welford: one pass, no cancellation on large offsets.
  for (const value of values) {
    if (!isDrawable(value)) continue;
    count += 1;
    const delta = value - mean;
    mean += delta / count;
    squares += delta * (value - mean);
  }
  return count < 2 ? 0 : squares / (count - 1);
}

function unionOfPicks(
  x: readonly number[],
  ys: readonly (readonly (number | null)[])[],
  budget: number,
): Set<number> {
  const union = new Set<number>();
  for (const y of ys) {
    for (const index of lttbIndices(x, y, budget)) union.add(index);
  }
  return union;
}

/**
 * Indices (ascending) to keep from several series sharing one x, at most `threshold` of them
 * (every index when `threshold >= length` or `threshold < 3`).
 *
 * The union of each series' LTTB picks, so every series keeps its own peaks. Series rarely
 * pick the same points, so a union at the full threshold is usually too large: the per-series
 * budget is then bisected down (not below 3) to the largest one found whose union fits. When
 * even 3 points per series do not fit, the picks of the series with the largest variance
 * alone — the one whose shape the eye reads first. With no series at all, the first index of
 * each LTTB bucket.
 */
export function downsample(
  x: readonly number[],
  ys: readonly (readonly (number | null)[])[],
  threshold: number,
): number[] {
  const length = x.length;
  const limit = Math.floor(threshold);
  if (!(limit >= 3) || limit >= length) return allIndices(length);
  if (ys.length === 0) return lttbIndices(x, new Array<number>(length).fill(0), limit);

  let best = unionOfPicks(x, ys, limit);
  if (best.size > limit) {
    const smallest = unionOfPicks(x, ys, 3);
    if (smallest.size > limit) return lttbIndices(x, widestSeries(ys), limit);
    best = smallest;
    // Invariant: the union at `low` fits and the one at `high` does not.
    let low = 3;
    let high = limit;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      const union = unionOfPicks(x, ys, middle);
      if (union.size <= limit) {
        low = middle;
        best = union;
      } else {
        high = middle;
      }
    }
  }
  return [...best].sort((a, b) => a - b);
}

function widestSeries(ys: readonly (readonly (number | null)[])[]): readonly (number | null)[] {
  let widest = ys[0] as readonly (number | null)[];
  let widestVariance = variance(widest);
  for (const y of ys.slice(1)) {
    const candidate = variance(y);
    if (candidate > widestVariance) {
      widest = y;
      widestVariance = candidate;
    }
  }
  return widest;
}
