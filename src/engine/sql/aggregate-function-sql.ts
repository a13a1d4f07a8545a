/**
 * One aggregate function over one column reference as SQL returning a float: the shared piece
 * of a chart's single `agg` and of each call in a computed measure.
 */
import { doubleType } from './dialect.js';
import type { AggFunction, SchemaColumn, SqlDialect } from './query-types.js';

/**
 * `fn` over `ref` (an alias of the filtered rows, never request text) whose column has
 * `column`'s type; `column` undefined counts rows.
 */
export function aggregateFunctionSql(
  fn: AggFunction,
  column: SchemaColumn | undefined,
  ref: string,
  dialect: SqlDialect,
): string {
  const double = doubleType(dialect);
  const asDouble = (sql: string): string => `CAST(${sql} AS ${double})`;
  if (fn === 'count') return asDouble(column === undefined ? 'count(*)' : `count(${ref})`);
  if (column === undefined) throw new TypeError(`${fn} needs a column`);
  switch (fn) {
    case 'sum':
      return asDouble(`sum(${ref})`);
    case 'mean':
      return asDouble(`avg(${ref})`);
    case 'median':
      return dialect === 'duckdb'
        ? `median(${asDouble(ref)})`
        : `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${asDouble(ref)})`;
    case 'distinct':
      return asDouble(`count(DISTINCT ${ref})`);
    case 'min':
    case 'max': {
      if (column.type === 'boolean') return asDouble(`${fn}(CAST(${ref} AS integer))`);
      if (column.type !== 'date' && column.type !== 'timestamp') return asDouble(`${fn}(${ref})`);
      // Series are numeric: dates and timestamps become epoch milliseconds, rounded down like
      // the ISO cells (PostgreSQL's extract keeps the microseconds as a fraction, DuckDB's
      // epoch_ms rounds toward the epoch).
      const extreme = `${fn}(${ref})`;
      const ms = column.type === 'date' ? extreme : `date_trunc('milliseconds', ${extreme})`;
      if (dialect === 'duckdb') return asDouble(`epoch_ms(${ms})`);
      const value = column.type === 'date' ? `CAST(${extreme} AS timestamp)` : ms;
      return asDouble(`extract(epoch FROM ${value}) * 1000`);
    }
  }
}
