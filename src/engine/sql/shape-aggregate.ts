/**
 * Aggregate cells `(x, g, v, n)` from buildAggregateSql → the chart-ready response body: one
 * sorted x axis and one y array per series aligned to it, downsampled with LTTB when `points`
 * asks for fewer points than there are.
 */
import { downsample } from '../../analysis/lttb.js';
import type { AggregateResponse, AggregateSeries, CellValue } from '../../shared/api-types.js';
import { ALL_X, NULL_GROUP, OTHER_GROUP } from './build-aggregate-sql.js';
import type { AggFunction, AggregateQuery } from './query-types.js';

/** One result row of buildAggregateSql, as a driver returns it. */
export interface AggregateRow {
  readonly x: CellValue | bigint | Date;
  readonly g: string | null;
  /** PostgreSQL drivers return numeric and int8 as strings. */
  readonly v: number | bigint | string | null;
  readonly n: number | bigint | string;
}

/** The aggregate response without its `meta`, plus what meta.rowsScanned needs. */
export interface ShapedAggregate {
  readonly x: CellValue[];
  readonly series: AggregateSeries[];
  readonly rowsScanned: number;
}

// Over zero rows these are 0, not unknown, so an empty cell or bin reads as 0.
const ZERO_WHEN_EMPTY: ReadonlySet<AggFunction> = new Set(['count', 'sum', 'distinct']);
const TIME_TEXT =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

/** The series name without a group: `count`, `<agg>(<y>)` such as `mean(value)`, or the measure. */
export function seriesLabel(q: Pick<AggregateQuery, 'agg' | 'y' | 'measure'>): string {
  if (q.measure !== undefined) return q.measure.text;
  return q.agg === 'count' || q.y === undefined ? q.agg : `${q.agg}(${q.y})`;
}

function toCell(value: AggregateRow['x']): CellValue {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number(value);
  return value;
}

function toNumber(value: AggregateRow['v']): number | null {
  if (value === null) return null;
  const number = Number(value);
  return Number.isNaN(number) ? null : number;
}

function cellKey(value: CellValue): string {
  return `${typeof value}:${String(value)}`;
}

function compareCells(a: CellValue, b: CellValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** A position on a numeric axis for LTTB: the number, or epoch ms of an ISO date/timestamp. */
function axisPosition(value: CellValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = TIME_TEXT.exec(value);
  if (match === null) return undefined;
  // Zone-less timestamps are UTC here (as in the filters), not the server's local time.
  const text = value.replace(' ', 'T');
  const ms = Date.parse(match[1] === undefined && text.length > 10 ? `${text}Z` : text);
  return Number.isFinite(ms) ? ms : undefined;
}

function axisOf(
  rows: readonly AggregateRow[],
  q: AggregateQuery,
  binEdges: readonly number[] | undefined,
): { x: CellValue[]; indexOf: (value: CellValue) => number } {
  if (q.x === undefined) {
    // One value over all filtered rows, as SQL's aggregate without GROUP BY: zero rows are a
    // count of 0, not an empty chart (a big number must show 0 notes, not nothing).
    return { x: [ALL_X], indexOf: () => 0 };
  }
  if (q.bins !== undefined) {
    if (binEdges === undefined) {
      if (rows.length === 0) return { x: [], indexOf: () => -1 };
      throw new TypeError('shapeAggregate: binned rows need the bin edges');
    }
    // Every bin is on the axis, empty ones included, labelled by its lower edge.
    return { x: binEdges.slice(0, -1), indexOf: (value) => Number(value) };
  }
  const unique = new Map<string, CellValue>();
  for (const row of rows) {
    const cell = toCell(row.x);
    unique.set(cellKey(cell), cell);
  }
  const x = [...unique.values()].sort(compareCells);
  const positions = new Map(x.map((cell, index) => [cellKey(cell), index]));
  return { x, indexOf: (value) => positions.get(cellKey(value)) ?? -1 };
}

function orderSeries(totals: ReadonlyMap<string, number>, grouped: boolean): string[] {
  const names = [...totals.keys()];
  if (!grouped) return names;
  return names.sort((a, b) => {
    if (a === OTHER_GROUP || b === OTHER_GROUP) return a === b ? 0 : a === OTHER_GROUP ? 1 : -1;
    const bySize = (totals.get(b) ?? 0) - (totals.get(a) ?? 0);
    return bySize !== 0 ? bySize : a < b ? -1 : a > b ? 1 : 0;
  });
}

/** The indices of x to keep for at most `points` points, or undefined to keep all. */
function keptIndices(
  x: readonly CellValue[],
  ys: readonly (number | null)[][],
  points: number,
): number[] | undefined {
  if (x.length <= points) return undefined;
  const positions: number[] = [];
  const nullIndices: number[] = [];
  for (const [index, cell] of x.entries()) {
    if (cell === null) {
      nullIndices.push(index);
      continue;
    }
    const position = axisPosition(cell);
    // A categorical axis has no distances for LTTB's triangles: leave it whole.
    if (position === undefined) return undefined;
    positions.push(position);
  }
  // Nulls sort last, so the drawable points are the prefix of the axis; the null point keeps
  // its slot, except that LTTB needs 3 points to do anything.
  const picked = downsample(
    positions,
    ys.map((y) => y.slice(0, positions.length)),
    Math.max(3, points - nullIndices.length),
  );
  return [...picked, ...nullIndices];
}

/**
 * The chart for `rows`: x sorted and unique (with `bins`, every bin's lower edge from
 * `binEdges`; without x, the one cell `all` even over zero rows), one series per group (largest first, `other` last; one series named after the
 * aggregate without a group), a missing cell as 0 for count/sum/distinct and null otherwise.
 */
export function shapeAggregate(
  rows: readonly AggregateRow[],
  q: AggregateQuery,
  binEdges?: readonly number[],
): ShapedAggregate {
  const { x, indexOf } = axisOf(rows, q, binEdges);
  // A measure over no rows has no value (a ratio of two empty sums is not 0).
  const empty = q.measure === undefined && ZERO_WHEN_EMPTY.has(q.agg) ? 0 : null;
  const grouped = q.group !== undefined;
  const ys = new Map<string, (number | null)[]>();
  const totals = new Map<string, number>();
  if (!grouped) {
    ys.set(seriesLabel(q), new Array<number | null>(x.length).fill(empty));
    totals.set(seriesLabel(q), 0);
  }
  let rowsScanned = 0;
  for (const row of rows) {
    const n = toNumber(row.n) ?? 0;
    rowsScanned += n;
    const name = grouped ? (row.g ?? NULL_GROUP) : seriesLabel(q);
    let y = ys.get(name);
    if (y === undefined) {
      y = new Array<number | null>(x.length).fill(empty);
      ys.set(name, y);
    }
    totals.set(name, (totals.get(name) ?? 0) + n);
    const index = indexOf(toCell(row.x));
    if (index >= 0 && index < y.length) y[index] = toNumber(row.v);
  }
  const names = orderSeries(totals, grouped);
  const series = names.map((name) => ({ name, y: ys.get(name) ?? [] }));
  const kept =
    q.points === undefined
      ? undefined
      : keptIndices(
          x,
          series.map((s) => s.y),
          q.points,
        );
  if (kept === undefined) return { x, series, rowsScanned };
  return {
    x: kept.map((index) => x[index] ?? null),
    series: series.map((s) => ({ name: s.name, y: kept.map((index) => s.y[index] ?? null) })),
    rowsScanned,
  };
}

/** A value of an aggregate cell: booleans (min/max of a flag) count as 0/1. */
function cellNumber(value: CellValue | undefined): number | string | null {
  const cell = value ?? null;
  if (typeof cell === 'boolean') return cell ? 1 : 0;
  return cell;
}

/** The `(x, g, v, n)` result rows of buildAggregateSql, as either engine returns them. */
export function aggregateRows(rows: readonly (readonly CellValue[])[]): AggregateRow[] {
  return rows.map((row) => ({
    x: row[0] ?? null,
    g: row[1] === null || row[1] === undefined ? null : String(row[1]),
    v: cellNumber(row[2]),
    n: cellNumber(row[3]) ?? 0,
  }));
}

/** The response of /aggregate: the shaped cells plus how they were obtained. */
export function aggregateResponse(
  shaped: ShapedAggregate,
  cached: boolean,
  startedAt: number,
  now: number,
): AggregateResponse {
  return {
    x: shaped.x,
    series: shaped.series,
    meta: {
      rowsScanned: shaped.rowsScanned,
      cached,
      durationMs: Math.round((now - startedAt) * 100) / 100,
    },
  };
}
