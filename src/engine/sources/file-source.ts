/**
 * File and SQLite datasets as a DatasetSource: the catalog's committed cache entries (DuckDB
 * views over their Parquet files, live segments included), queried in DuckDB, with the
 * analyses computed at build time.
 */
import type { CellValue, DatasetSummary } from '../../shared/api-types.js';
import type { Catalog, DatasetEntry } from '../catalog.js';
import { toScalar } from '../cell.js';
import type { DuckDb } from '../duckdb.js';
import { exportArrow, exportParquet } from '../export-rows.js';
import { datasetCacheDir } from '../cache-store.js';
import type { RowsQuery } from '../sql/query-types.js';
import type { DatasetSource, RowsPage, ServedDataset } from './dataset-source.js';
import { type SqlRunner, answerAggregate, answerRows, rowsStatement } from './sql-answers.js';
import {
  type RowGroupRange,
  narrowedQuery,
  narrowingBounds,
  narrowingOf,
  rowGroupRangesSql,
} from './top-rows.js';
import path from 'node:path';

export interface FileSourceOptions {
  readonly catalog: Catalog;
  readonly db: DuckDb;
  /** Where the cache entries' Parquet files are, for their row-group statistics. */
  readonly cacheDir: string;
}

export function summarize(entry: DatasetEntry): DatasetSummary {
  return {
    id: entry.id,
    title: entry.title,
    ...(entry.description === undefined ? {} : { description: entry.description }),
    source: { kind: entry.kind, location: entry.location },
    rows: entry.manifest?.rows ?? null,
    columns: entry.manifest?.columns.length ?? null,
    cached: entry.manifest !== undefined,
    live: entry.settings?.live ?? false,
    updatedAt: entry.updatedAt?.toISOString() ?? null,
    state: entry.state,
    ...(entry.settings?.time_column === undefined
      ? {}
      : { timeColumn: entry.settings.time_column }),
    ...(entry.settings?.label_column === undefined
      ? {}
      : { labelColumn: entry.settings.label_column }),
    ...(entry.failure === undefined ? {} : { error: entry.failure.message }),
  };
}

export function createFileSource(options: FileSourceOptions): DatasetSource {
  const { catalog, db } = options;
  const runner: SqlRunner = {
    dialect: 'duckdb',
    async query(statement) {
      const result = await db.query(statement.sql, statement.params);
      return { columns: result.columns, rows: result.rows.map((row) => row.map(toScalar)) };
    },
  };
  // Per Parquet file and column: its row groups' ranges (read once from the file's footer).
  const ranges = new Map<string, Promise<RowGroupRange[]>>();

  function rangesOf(file: string, column: string, type: string): Promise<RowGroupRange[]> {
    const key = JSON.stringify([file, column]);
    let found = ranges.get(key);
    if (found === undefined) {
      found = db.query(rowGroupRangesSql(file, column, type)).then((result) => {
        const groups = result.rows.map(([min, max, minValue, maxValue]) => ({
          min: Number(min),
          max: Number(max),
          minValue: minValue === null || minValue === undefined ? null : String(minValue),
          maxValue: maxValue === null || maxValue === undefined ? null : String(maxValue),
        }));
        // A row group without statistics could hold any value: no bound is safe to skip it.
        return groups.every((g) => Number.isFinite(g.min) && Number.isFinite(g.max)) ? groups : [];
      });
      found.catch(() => ranges.delete(key));
      ranges.set(key, found);
    }
    return found;
  }

  /** The page, read from the last row groups first when that is enough (top-rows.ts). */
  async function rows(dataset: ServedDataset, query: RowsQuery): Promise<RowsPage> {
    const narrowing = narrowingOf(query, dataset.columns);
    const manifest = catalog.has(dataset.id) ? catalog.get(dataset.id).manifest : undefined;
    if (narrowing !== undefined && manifest !== undefined) {
      const type = dataset.columns.find((c) => c.name === narrowing.column)?.type ?? '';
      const file = path.join(datasetCacheDir(options.cacheDir, dataset.id), manifest.parquetFile);
      const groups = await rangesOf(file, narrowing.column, type).catch(() => []);
      for (const bound of narrowingBounds(groups, narrowing.direction)) {
        const page = await answerRows(runner, dataset, narrowedQuery(query, narrowing, bound));
        if (page.rows.length >= query.limit) return page;
      }
    }
    return answerRows(runner, dataset, query);
  }
  return {
    kind: 'files',
    has: (id) => catalog.has(id),
    list() {
      return catalog.list().map(summarize);
    },
    describe(id) {
      const entry = catalog.get(id);
      return {
        ...summarize(entry),
        columns: (entry.manifest?.columns ?? []).map((column) => ({
          ...column,
          stats: column.stats ?? null,
        })),
        columnCount: entry.manifest?.columns.length ?? 0,
      };
    },
    versionOf(id) {
      return catalog.get(id).version;
    },
    updatedAtOf(id) {
      return catalog.get(id).updatedAt;
    },
    ready(id): ServedDataset {
      const entry = catalog.ready(id);
      return {
        id,
        version: entry.version,
        updatedAt: entry.updatedAt,
        columns: entry.manifest.columns,
        relation: entry.relation,
      };
    },
    rows,
    async *streamRows(dataset, query): AsyncGenerator<CellValue[][]> {
      const statement = rowsStatement(dataset, query, 'duckdb');
      for await (const chunk of db.stream(statement.sql, statement.params)) {
        yield chunk.rows.map((row) => row.map(toScalar));
      }
    },
    exportRows(dataset, query, format) {
      const statement = rowsStatement(dataset, query, 'duckdb');
      return format === 'parquet'
        ? exportParquet(db, statement)
        : exportArrow(db, statement, new Map(dataset.columns.map((c) => [c.name, c.type])));
    },
    // Bins lie over the filtered rows' range, as for PostgreSQL datasets: the column's
    // statistics span every row, so a filtered histogram would lose its resolution.
    aggregate: (dataset, query) => answerAggregate(runner, dataset, query),
    analyses: (dataset) => catalog.analyses(dataset.id),
  };
}
