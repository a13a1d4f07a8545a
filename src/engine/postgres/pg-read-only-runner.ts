/**
 * How a SQL dataset over PostgreSQL datasets runs a statement. Its SELECT is the operator's,
 * so a read-only session default is not enough: a volatile function in it (`set_config`) could
 * turn that default off, or the statement timeout, for whatever next uses the pooled
 * connection. Each statement therefore runs in a transaction of its own, `READ ONLY` whatever
 * the session says, which is rolled back (undoing any setting the statement changed), over the
 * extended protocol, which takes exactly one statement. Errors are the pg runner's.
 */
import type pg from 'pg';
import type { CellValue } from '../../shared/api-types.js';
import { toScalar } from '../cell.js';
import type { SqlRunner } from '../sources/sql-answers.js';
import type { SqlStatement } from '../sql/query-types.js';
import { UnavailableError } from '../../errors.js';
import { isConnectionError, mapPgError, pgReason } from './pg-pool.js';
import type { PgSource } from './pg-source.js';

/** SQLSTATE of a write refused in a read-only transaction. */
const READ_ONLY_SQL_TRANSACTION = '25006';

/** The fields and rows of one statement run read-only (driver errors as thrown by pg). */
export async function queryReadOnly(
  pool: pg.Pool,
  statement: SqlStatement,
): Promise<pg.QueryArrayResult> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    // `queryMode` is pg's (8.12+) but not in its typings yet.
    const config: pg.QueryArrayConfig & { readonly queryMode: 'extended' } = {
      text: statement.sql,
      values: [...statement.params],
      rowMode: 'array',
      queryMode: 'extended',
    };
    return await client.query(config);
  } catch (error) {
    if (isConnectionError(error)) broken = error as Error;
    throw error;
  } finally {
    if (broken === undefined) {
      await client.query('ROLLBACK').catch((error: unknown) => {
        broken = error as Error;
      });
    }
    // A connection that failed is dropped from the pool rather than reused.
    client.release(broken);
  }
}

/** The runner of SQL dataset `id`: its errors name it. */
export function pgReadOnlyRunner(source: PgSource, id: string): SqlRunner {
  return {
    dialect: 'postgres',
    async query(statement) {
      try {
        const result = await queryReadOnly(source.pool, statement);
        return {
          columns: result.fields.map((field) => field.name),
          rows: result.rows.map((row) => row.map((cell) => toScalar(cell as CellValue))),
        };
      } catch (error) {
        if (isConnectionError(error)) source.markDown(error);
        if ((error as { code?: unknown }).code === READ_ONLY_SQL_TRANSACTION) {
          throw new UnavailableError(
            'DASHPORT_ERR_DATASET_BROKEN',
            `dataset "${id}" cannot be read: its statement tried to write (${pgReason(error)}); a SQL dataset only reads`,
            60,
          );
        }
        throw mapPgError(error, id);
      }
    },
  };
}
