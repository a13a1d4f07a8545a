/**
 * The query answers of a dataset that lives in PostgreSQL, whatever its relation (a table or
 * view, or a SQL dataset's derived table): rows and aggregates through the dataset's runner,
 * CSV/NDJSON as the one bounded page, Parquet/Arrow exports of that page through DuckDB.
 */
import type { CellValue } from '../../shared/api-types.js';
import type { DuckDb } from '../duckdb.js';
import { exportPage } from '../export-rows.js';
import type { DatasetSource } from '../sources/dataset-source.js';
import { type SqlRunner, answerAggregate, answerRows } from '../sources/sql-answers.js';

export function pgAnswers(
  db: DuckDb,
  runnerOf: (id: string) => SqlRunner,
): Pick<DatasetSource, 'rows' | 'streamRows' | 'exportRows' | 'aggregate'> {
  const rows: DatasetSource['rows'] = (dataset, query) =>
    answerRows(runnerOf(dataset.id), dataset, query);
  return {
    rows,
    // Pages are bounded by the rows limit: one query, one chunk.
    async *streamRows(dataset, query): AsyncGenerator<CellValue[][]> {
      yield (await rows(dataset, query)).rows;
    },
    async exportRows(dataset, query, format) {
      const page = await rows(dataset, query);
      return exportPage(db, page, new Map(dataset.columns.map((c) => [c.name, c.type])), format);
    },
    aggregate: (dataset, query) => answerAggregate(runnerOf(dataset.id), dataset, query),
  };
}
