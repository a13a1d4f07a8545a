/**
 * The one interface every kind of dataset is served through. A source describes its datasets
 * (list, describe, version) and answers queries that are already parsed and validated; the
 * result cache, timings and metrics are DatasetQueries' (src/engine/dataset-queries.ts), which
 * finds the source of an id in the SourceCatalog (source-catalog.ts), and ETags, access and
 * the API are the routes', so all of them are written once for every kind.
 *
 * Kinds: file and SQLite datasets (DuckDB over the Parquet cache: file-source.ts), PostgreSQL
 * tables and views (pushdown: src/engine/postgres/pg-dataset-source.ts). A SQL dataset over
 * file datasets is served by the file source: its SELECT is materialised into the Parquet cache
 * at build time (src/engine/sql-datasets/); one over PostgreSQL datasets runs in PostgreSQL as
 * a derived table (src/engine/postgres/pg-sql-dataset-source.ts). A rollup is a source that wraps another one and answers from its
 * Parquet rollups the aggregates they cover, delegating everything else; it is added to the
 * catalog's list without touching a route.
 */
import type {
  CellValue,
  ColumnInfo,
  DatasetDetail,
  DatasetSummary,
} from '../../shared/api-types.js';
import type { Analyses } from '../compute-analyses.js';
import type { SqlRelation } from '../sql/identifiers.js';
import type { AggregateQuery, RowsQuery } from '../sql/query-types.js';
import type { ShapedAggregate } from '../sql/shape-aggregate.js';

/** A dataset that can answer queries now, as its source resolved it for one request. */
export interface ServedDataset {
  readonly id: string;
  /** Changes whenever an answer may change: part of every result-cache key and ETag. */
  readonly version: string;
  /** Newest modification of the data served, for Last-Modified. */
  readonly updatedAt: Date | undefined;
  /** Columns and types the query parsers check names against; statistics where known. */
  readonly columns: readonly ColumnInfo[];
  /**
   * What the SQL builders read: a view name (DuckDB), `[schema, table]` (PostgreSQL), or a
   * SQL dataset's SELECT over PostgreSQL relations.
   */
  readonly relation: SqlRelation;
}

/** Rows as JSON-ready cells, in the order of `columns`. */
export interface RowsPage {
  readonly columns: string[];
  readonly rows: CellValue[][];
}

export type ExportFormat = 'parquet' | 'arrow';

export interface DatasetSource {
  /** The kind of datasets it serves, for logs and docs: `files`, `postgres`. */
  readonly kind: string;
  has(id: string): boolean;
  list(): DatasetSummary[];
  /** The dataset's columns and statistics; 404 when the source does not have it. */
  describe(id: string): DatasetDetail;
  versionOf(id: string): string;
  /** Newest modification of its data, for Last-Modified; cheap, unlike `describe`. */
  updatedAtOf(id: string): Date | undefined;
  /** The dataset if it can answer now, else 503 with the reason (or 404). */
  ready(id: string): ServedDataset;
  /** The page of rows `query` asks for. */
  rows(dataset: ServedDataset, query: RowsQuery): Promise<RowsPage>;
  /** The same rows in chunks, for CSV and NDJSON streaming. */
  streamRows(dataset: ServedDataset, query: RowsQuery): AsyncGenerator<CellValue[][]>;
  /** The page of rows as a Parquet file or an Arrow IPC stream. */
  exportRows(dataset: ServedDataset, query: RowsQuery, format: ExportFormat): Promise<Uint8Array>;
  /** The chart cells of `query`, shaped (meta is added by the caller). */
  aggregate(dataset: ServedDataset, query: AggregateQuery): Promise<ShapedAggregate>;
  /** Every precomputed analysis; the caller picks one and checks that it applies. */
  analyses(dataset: ServedDataset): Promise<Analyses>;
}

/** The column names of a rows query's answer: its `select`, else every column. */
export function selectedColumns(dataset: ServedDataset, query: RowsQuery): string[] {
  return query.select.length > 0 ? [...query.select] : dataset.columns.map((c) => c.name);
}
