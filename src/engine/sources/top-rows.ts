/**
 * A page of rows ordered by a column (a "latest rows" table: `order=ts.desc&limit=25`) read
 * from a few row groups instead of the whole table (issue 12). DuckDB's Top-N filters the scan
 * dynamically, but over a file in ascending time order every row group it reads raises the
 * threshold a little and none can be skipped. So the page is first asked for with one more
 * filter, `ts >= B` (descending; `ts <= B` ascending), B taken from the Parquet row-group
 * statistics so that only the last row groups can match, and B is widened until the page is
 * full or the narrowed scan would read half the file; then the query runs as asked.
 *
 * Exact for any B: when at least offset + limit rows match the filters and `ts >= B`, the
 * first offset + limit rows of the whole answer all have ts ≥ B too (each is at least the
 * (offset + limit)-th largest, which is ≥ B), rows tied with the last one included; NULLs,
 * sorted last, never precede them. So a full narrowed page is the page; a short one is
 * discarded. Only NULLS LAST orders on dates, timestamps and integers are narrowed.
 */
import type { ColumnInfo } from '../../shared/api-types.js';
import type { BoundValue, RowsQuery } from '../sql/query-types.js';
import { sqlString } from '../source-sql.js';

/** One row group's range of the order column: numbers to compare, values to bind. */
export interface RowGroupRange {
  readonly min: number;
  readonly max: number;
  readonly minValue: BoundValue;
  readonly maxValue: BoundValue;
}

export interface Narrowing {
  readonly column: string;
  readonly direction: 'asc' | 'desc';
}

/** Largest offset + limit narrowed: a deep page would need most of the file anyway. */
export const NARROW_MAX_ROWS = 10_000;
/** Each try reads this many times the row groups of the one before. */
const GROWTH = 8;

const NARROWABLE_TYPES: readonly string[] = ['date', 'timestamp', 'integer'];

/** The order column of `q` a narrowed read applies to, if any. */
export function narrowingOf(q: RowsQuery, columns: readonly ColumnInfo[]): Narrowing | undefined {
  const first = q.order[0];
  if (first === undefined || (first.nulls ?? 'last') !== 'last') return undefined;
  if (q.limit < 1 || q.offset + q.limit > NARROW_MAX_ROWS) return undefined;
  const type = columns.find((column) => column.name === first.column)?.type;
  if (type === undefined || !NARROWABLE_TYPES.includes(type)) return undefined;
  return { column: first.column, direction: first.direction };
}

/**
 * The bounds to try, narrowest first: the lowest minimum of the 1, 8, 64 … row groups with the
 * highest maxima (descending), while the row groups that can match it are at most half of all.
 */
export function narrowingBounds(
  groups: readonly RowGroupRange[],
  direction: 'asc' | 'desc',
): BoundValue[] {
  // Seen from the far end: descending looks at the highest values, ascending at the lowest.
  const sign = direction === 'desc' ? 1 : -1;
  const far = (g: RowGroupRange) => (direction === 'desc' ? g.max : g.min) * sign;
  const near = (g: RowGroupRange) => (direction === 'desc' ? g.min : g.max) * sign;
  const value = (g: RowGroupRange) => (direction === 'desc' ? g.minValue : g.maxValue);
  const ordered = [...groups].sort((a, b) => far(b) - far(a));
  const bounds: BoundValue[] = [];
  let previous: number | undefined;
  for (let k = 1; k < ordered.length; k *= GROWTH) {
    let bound = ordered[0] as RowGroupRange;
    for (const group of ordered.slice(0, k)) if (near(group) < near(bound)) bound = group;
    const threshold = near(bound);
    const read = ordered.filter((group) => far(group) >= threshold).length;
    if (read * 2 > ordered.length) break;
    if (threshold !== previous) bounds.push(value(bound));
    previous = threshold;
  }
  return bounds;
}

/** `q` with the extra filter of bound `bound`. */
export function narrowedQuery(q: RowsQuery, narrowing: Narrowing, bound: BoundValue): RowsQuery {
  const op = narrowing.direction === 'desc' ? 'gte' : 'lte';
  return {
    ...q,
    filters: [...q.filters, { column: narrowing.column, op, negate: false, values: [bound] }],
  };
}

/**
 * The row-group ranges of `column` in a Parquet file, as `parquet_metadata` gives them:
 * the statement (DuckDB) whose rows are (min number, max number, min value, max value).
 */
export function rowGroupRangesSql(file: string, column: string, type: string): string {
  const numeric = (stat: string) =>
    type === 'integer'
      ? `TRY_CAST(${stat} AS DOUBLE)`
      : type === 'date'
        ? `CAST(epoch_ms(TRY_CAST(${stat} AS DATE)) AS DOUBLE)`
        : `CAST(epoch_us(TRY_CAST(${stat} AS TIMESTAMP)) AS DOUBLE)`;
  return (
    `SELECT ${numeric('stats_min_value')}, ${numeric('stats_max_value')}, stats_min_value, stats_max_value ` +
    `FROM parquet_metadata(${sqlString(file)}) WHERE path_in_schema = ${sqlString(column)}`
  );
}
