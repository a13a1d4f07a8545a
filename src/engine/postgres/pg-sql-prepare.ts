/**
 * Prepares one SQL dataset over PostgreSQL datasets: its statement with the dataset names
 * replaced by their relations (pg-sql-text.ts), then asked of PostgreSQL with `LIMIT 0` in a
 * read-only transaction for its columns and their types. What PostgreSQL refuses (an unknown
 * column, a syntax PostgreSQL does not take, a function it does not have) is the dataset's
 * failure at the file's line; an unreachable database is thrown, to try again later.
 */
import type pg from 'pg';
import type { ColumnInfo } from '../../shared/api-types.js';
import { pgSqlText } from '../sql-datasets/pg-sql-text.js';
import type { SqlTableUse } from '../sql-datasets/sql-statement.js';
import { quoteRelation } from '../sql/identifiers.js';
import { isConnectionError, pgReason } from './pg-pool.js';
import { queryReadOnly } from './pg-read-only-runner.js';
import { columnTypeOfPg } from './pg-types.js';

export type PreparedSql =
  | { readonly ok: true; readonly select: string; readonly columns: readonly ColumnInfo[] }
  | { readonly ok: false; readonly line: number; readonly reason: string };

export interface PrepareInput {
  readonly text: string;
  readonly uses: readonly SqlTableUse[];
  /** The FROM item of a dataset the statement reads. */
  readonly relationOf: (id: string) => string;
}

// Domains are described by their base type, as in discovery.
const TYPE_NAMES_SQL = `
SELECT t.oid::int AS oid, coalesce(bt.typname, t.typname) AS typname
FROM pg_type t LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
WHERE t.oid = ANY($1::oid[])`;

export async function preparePgSql(pool: pg.Pool, input: PrepareInput): Promise<PreparedSql> {
  const text = pgSqlText(input.text, input.uses, input.relationOf);
  const probe = `SELECT * FROM ${quoteRelation({ select: text.sql })} LIMIT 0`;
  let fields: readonly pg.FieldDef[];
  try {
    fields = (await queryReadOnly(pool, { sql: probe, params: [] })).fields;
  } catch (error) {
    if (isConnectionError(error)) throw error;
    // PostgreSQL's position counts characters from 1 in the text it was sent.
    const position = Number((error as { position?: unknown }).position);
    const index = position - 1 - probe.indexOf(text.sql);
    return {
      ok: false,
      line: Number.isFinite(position) && index >= 0 ? text.lineOf(index) : 1,
      reason: `PostgreSQL: ${pgReason(error)}`,
    };
  }
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name)) {
      return {
        ok: false,
        line: 1,
        reason: `the column "${field.name}" appears twice in the result; give each column its own name (AS …)`,
      };
    }
    seen.add(field.name);
  }
  const types = await queryReadOnly(pool, {
    sql: TYPE_NAMES_SQL,
    params: [`{${[...new Set(fields.map((field) => field.dataTypeID))].join(',')}}`],
  });
  const typeNames = new Map(types.rows.map((row) => [Number(row[0]), String(row[1])]));
  return {
    ok: true,
    select: text.sql,
    columns: fields.map((field) => ({
      name: field.name,
      type: columnTypeOfPg(typeNames.get(field.dataTypeID) ?? 'text'),
      // A derived table says nothing of NOT NULL.
      nullable: true,
    })),
  };
}
