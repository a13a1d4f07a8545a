/**
 * Ingestion into a PostgreSQL table: a validated batch written in one `BEGIN READ WRITE`
 * transaction (the pool's sessions are read-only otherwise), every placeholder cast to its
 * column's own type, whole or not at all. Constraint and type errors are the client's (400);
 * a missing grant or a read-only database turns writes off (403).
 */
import { DashportError } from '../../errors.js';
import { quoteIdent, quoteRelation } from '../sql/identifiers.js';
import type { BoundValue } from '../sql/query-types.js';
import { isConnectionError, mapPgError, pgReason } from './pg-pool.js';
import type { PgSource } from './pg-source.js';

/** Bound parameters per INSERT statement (PostgreSQL's limit is 65,535). */
export const PG_INSERT_MAX_PARAMS = 60_000;

/** Rows (cells in `columns` order, already validated) in one transaction; returns the count. */
export async function insertPgRows(
  source: PgSource,
  id: string,
  columns: readonly string[],
  rows: readonly (readonly BoundValue[])[],
): Promise<number> {
  const dataset = source.ready(id);
  if (rows.length === 0) return 0;
  const types = columns.map((name) => {
    const column = dataset.relation.columns.find((c) => c.name === name);
    if (column === undefined) throw new TypeError(`insert: ${name} is not a column of ${id}`);
    return column.pgType;
  });
  const table = quoteRelation([dataset.relation.schema, dataset.relation.table]);
  const target = `${table} (${columns.map(quoteIdent).join(', ')})`;
  const perStatement = Math.max(1, Math.floor(PG_INSERT_MAX_PARAMS / Math.max(1, columns.length)));
  let client;
  try {
    client = await source.pool.connect();
  } catch (error) {
    if (isConnectionError(error)) source.markDown(error);
    throw mapPgError(error, id, 'body');
  }
  try {
    await client.query('BEGIN READ WRITE');
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      const values: BoundValue[] = [];
      // Each placeholder is cast to its column's own type (format_type from the catalog).
      const tuples = chunk.map((row) => {
        const cells = row.map((cell, j) => {
          values.push(cell);
          return `$${values.length}::${types[j] as string}`;
        });
        return `(${cells.join(', ')})`;
      });
      await client.query(`INSERT INTO ${target} VALUES ${tuples.join(', ')}`, values);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (isConnectionError(error)) source.markDown(error);
    throw insertError(error, id);
  } finally {
    client.release();
  }
  source.touch(id);
  return rows.length;
}

function insertError(error: unknown, id: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('23') || code.startsWith('22'))) {
    return new DashportError(
      'DASHPORT_ERR_BAD_BODY',
      `body: PostgreSQL rejected the batch for dataset "${id}", nothing was written: ${pgReason(error)}`,
      { parameter: 'body' },
    );
  }
  if (code === '42501' || code === '25006') {
    return new DashportError(
      'DASHPORT_ERR_WRITES_DISABLED',
      `dataset "${id}": PostgreSQL refused the insert (${pgReason(error)}); grant INSERT to the DATABASE_URL user`,
    );
  }
  return mapPgError(error, id, 'body');
}
