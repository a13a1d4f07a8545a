/**
 * How a PostgreSQL dataset runs a statement: on the read-only pool, rows as arrays of JSON
 * cells (the pool's type parsers make them match DuckDB's), driver errors mapped to Dashport
 * errors, and an unreachable database recorded so its datasets answer 503 until the next poll.
 */
import type { CellValue } from '../../shared/api-types.js';
import { toScalar } from '../cell.js';
import type { SqlRunner } from '../sources/sql-answers.js';
import { isConnectionError, mapPgError } from './pg-pool.js';
import type { PgSource } from './pg-source.js';

/** The runner of dataset `id`: its errors name it. */
export function pgRunner(source: PgSource, id: string): SqlRunner {
  return {
    dialect: 'postgres',
    async query(statement) {
      try {
        const result = await source.pool.query({
          text: statement.sql,
          values: [...statement.params],
          rowMode: 'array',
        });
        return {
          columns: result.fields.map((field) => field.name),
          rows: (result.rows as unknown[][]).map((row) =>
            row.map((cell) => toScalar(cell as CellValue)),
          ),
        };
      } catch (error) {
        if (isConnectionError(error)) source.markDown(error);
        throw mapPgError(error, id);
      }
    },
  };
}
