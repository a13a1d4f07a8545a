/**
 * Rows appended to a table with an increasing column (an id, an insertion time) since the last
 * poll: `max(column)` tells whether there are any, then at most one page of them is read in
 * column order. A page that does not reach the max continues from its last value next time.
 */
import type pg from 'pg';
import type { CellValue } from '../../shared/api-types.js';
import { buildRowsSql } from '../sql/build-rows-sql.js';
import { quoteIdent, quoteRelation } from '../sql/identifiers.js';
import type { PgRelation } from './pg-discovery.js';

export interface NewRows {
  /** The value to continue from at the next poll (as text; NULL for an empty table). */
  readonly next: string | null;
  /** The rows past the previous value, when there were any. */
  readonly rows?: { readonly columns: string[]; readonly rows: CellValue[][] };
}

/**
 * What is new in `relation` past `previous` (undefined: the first look, which only records
 * where the column stands). Undefined when `column` is not a column of the relation.
 */
export async function readNewRows(
  pool: pg.Pool,
  relation: PgRelation,
  column: string,
  previous: string | null | undefined,
  limit: number,
): Promise<NewRows | undefined> {
  const index = relation.columns.findIndex((c) => c.name === column);
  if (index < 0) return undefined;
  const table = [relation.schema, relation.table];
  const result = await pool.query<{ max: string | null }>(
    `SELECT max(${quoteIdent(column)})::text AS max FROM ${quoteRelation(table)}`,
  );
  const max = result.rows[0]?.max ?? null;
  if (previous === undefined || max === null || max === previous) return { next: max };
  const schema = relation.columns.map((c) => ({ name: c.name, type: c.type }));
  // Parameters travel as text, so the last value read back with ::text binds to any type.
  const statement = buildRowsSql(
    table,
    {
      select: [],
      order: [{ column, direction: 'asc' }],
      limit,
      offset: 0,
      filters: previous === null ? [] : [{ column, op: 'gt', negate: false, values: [previous] }],
      format: 'json',
    },
    schema,
    'postgres',
  );
  const fresh = await pool.query({
    text: statement.sql,
    values: [...statement.params],
    rowMode: 'array',
  });
  const rows = fresh.rows as CellValue[][];
  const last = rows[rows.length - 1]?.[index];
  return {
    next: rows.length === limit && last !== undefined && last !== null ? String(last) : max,
    rows: { columns: fresh.fields.map((field) => field.name), rows },
  };
}
