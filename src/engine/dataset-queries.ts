/**
 * The data API's domain logic: dataset descriptions, rows, aggregates and analyses, from URL
 * parameters to JSON-ready results. Plain factory, no HTTP: routes and dashboards call it.
 * Results are cached in process, keyed by dataset version and the normalized query, so a
 * changed dataset never serves an old answer.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type {
  AggregateResponse,
  CellValue,
  CorrelationAnalysis,
  DatasetDetail,
  DatasetSummary,
  PcaAnalysis,
  ProfilesAnalysis,
  RowsResponse,
  SummaryAnalysis,
} from '../shared/api-types.js';
import { type AnalysisKind, applicableAnalysis } from './compute-analyses.js';
import type { Catalog, DatasetEntry, ReadyEntry } from './catalog.js';
import { toScalar } from './cell.js';
import type { DuckDb } from './duckdb.js';
import {
  aggregateBinEdges,
  buildAggregateSql,
  buildBinRangeSql,
  buildTopGroupsSql,
  isFoldable,
} from './sql/build-aggregate-sql.js';
import { buildRowsSql } from './sql/build-rows-sql.js';
import { parseAggregateQuery } from './sql/parse-aggregate-query.js';
import { parseRowsQuery } from './sql/parse-rows-query.js';
import type { AggregateQuery, RawQuery, RowsQuery, SchemaColumn } from './sql/query-types.js';
import { aggregateResponse, aggregateRows, shapeAggregate } from './sql/shape-aggregate.js';
import { exportArrow, exportParquet } from './export-rows.js';

export type { AnalysisKind };
export const ANALYSIS_KINDS: readonly AnalysisKind[] = [
  'summary',
  'correlation',
  'pca',
  'profiles',
];

export interface QueryTimings {
  /** Milliseconds spent in the engine, for Server-Timing and metrics. */
  dbMs: number;
  cached: boolean;
}

export interface ResultCache {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

export interface DatasetQueriesOptions {
  readonly catalog: Catalog;
  readonly db: DuckDb;
  /** Shared response cache (Redis-backed when configured); defaults to an in-process LRU. */
  readonly cache?: ResultCache;
  /** Called after each engine query: dataset id and milliseconds. */
  readonly onQuery?: (dataset: string, ms: number) => void;
}

export interface DatasetQueries {
  list(): DatasetSummary[];
  describe(id: string): DatasetDetail;
  /** Validate without running, so a bad request fails before a stream starts. */
  parseRows(id: string, raw: RawQuery): { entry: ReadyEntry; query: RowsQuery };
  rows(id: string, raw: RawQuery, timings?: QueryTimings): Promise<RowsResponse>;
  /** Rows as chunks, for CSV/NDJSON streaming. */
  streamRows(
    id: string,
    query: RowsQuery,
  ): { columns: string[]; chunks: AsyncGenerator<CellValue[][]> };
  /** The page of rows as a Parquet file or an Arrow IPC stream. */
  exportRows(id: string, query: RowsQuery, format: 'parquet' | 'arrow'): Promise<Uint8Array>;
  aggregate(id: string, raw: RawQuery, timings?: QueryTimings): Promise<AggregateResponse>;
  analysis(
    id: string,
    kind: AnalysisKind,
  ): Promise<SummaryAnalysis | CorrelationAnalysis | PcaAnalysis | ProfilesAnalysis>;
  /** A string that changes whenever the answer to this query may change: the ETag's input. */
  versionOf(id: string): string;
}

/** Query keys sorted and repeated values kept in order: `b=2&a=1` and `a=1&b=2` share a key. */
export function normalizeQuery(raw: RawQuery): string {
  return Object.keys(raw)
    .filter((key) => raw[key] !== undefined)
    .sort()
    .map((key) => {
      const value = raw[key];
      return `${encodeURIComponent(key)}=${(Array.isArray(value) ? value : [value]).map((v) => encodeURIComponent(String(v))).join('&')}`;
    })
    .join('&');
}

export function resultKey(kind: string, id: string, version: string, raw: RawQuery): string {
  const digest = createHash('sha256').update(normalizeQuery(raw)).digest('base64url').slice(0, 22);
  return `${kind}:${id}:${version}:${digest}`;
}

/** A bound of buildBinRangeSql's answer; NULL (no finite x) spans nothing, at 0. */
function toBound(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function schemaOf(entry: DatasetEntry): SchemaColumn[] {
  return (entry.manifest?.columns ?? []).map((column) => ({
    name: column.name,
    type: column.type,
  }));
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

export function createDatasetQueries(options: DatasetQueriesOptions): DatasetQueries {
  const { catalog, db } = options;
  const local = new LRUCache<string, { value: unknown }>({
    max: 2000,
    maxSize: 64 * 1024 * 1024,
    sizeCalculation: (v) => JSON.stringify(v.value).length + 64,
  });
  const cache: ResultCache = options.cache ?? {
    async get(key) {
      return local.get(key)?.value;
    },
    async set(key, value) {
      local.set(key, { value });
    },
  };

  async function timed<T>(
    id: string,
    timings: QueryTimings | undefined,
    work: () => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const ms = performance.now() - started;
      if (timings) timings.dbMs += ms;
      options.onQuery?.(id, ms);
    }
  }

  // Identical queries arriving together share one engine run instead of queuing N copies.
  const inFlight = new Map<string, Promise<unknown>>();

  async function cached<T>(
    key: string,
    timings: QueryTimings | undefined,
    compute: () => Promise<T>,
  ): Promise<T> {
    const hit = (await cache.get(key)) as T | undefined;
    if (hit !== undefined) {
      if (timings) timings.cached = true;
      return hit;
    }
    const running = inFlight.get(key) as Promise<T> | undefined;
    if (running !== undefined) return running;
    const promise = compute().then(async (value) => {
      await cache.set(key, value);
      return value;
    });
    inFlight.set(key, promise);
    try {
      return await promise;
    } finally {
      inFlight.delete(key);
    }
  }

  const queries: DatasetQueries = {
    list() {
      return catalog.list().map(summarize);
    },
    describe(id) {
      const entry = catalog.get(id);
      const summary = summarize(entry);
      return {
        ...summary,
        columns: (entry.manifest?.columns ?? []).map((column) => ({
          ...column,
          stats: column.stats ?? null,
        })),
        columnCount: entry.manifest?.columns.length ?? 0,
      };
    },
    parseRows(id, raw) {
      const entry = catalog.ready(id);
      return { entry, query: parseRowsQuery(raw, schemaOf(entry)) };
    },
    async rows(id, raw, timings) {
      const { entry, query } = queries.parseRows(id, raw);
      return cached(resultKey('rows', id, entry.version, raw), timings, () =>
        timed(id, timings, async () => {
          const statement = buildRowsSql(entry.relation, query, schemaOf(entry), 'duckdb');
          const result = await db.query(statement.sql, statement.params);
          return {
            columns: result.columns,
            rows: result.rows.map((row) => row.map(toScalar)),
            limit: query.limit,
            offset: query.offset,
          };
        }),
      );
    },
    streamRows(id, query) {
      const entry = catalog.ready(id);
      const statement = buildRowsSql(entry.relation, query, schemaOf(entry), 'duckdb');
      const columns =
        query.select.length > 0 ? [...query.select] : schemaOf(entry).map((c) => c.name);
      async function* chunks(): AsyncGenerator<CellValue[][]> {
        for await (const chunk of db.stream(statement.sql, statement.params)) {
          yield chunk.rows.map((row) => row.map(toScalar));
        }
      }
      return { columns, chunks: chunks() };
    },
    async exportRows(id, query, format) {
      const entry = catalog.ready(id);
      const schema = schemaOf(entry);
      const statement = buildRowsSql(entry.relation, query, schema, 'duckdb');
      return timed(id, undefined, () =>
        format === 'parquet'
          ? exportParquet(db, statement)
          : exportArrow(db, statement, new Map(schema.map((c) => [c.name, c.type]))),
      );
    },
    async aggregate(id, raw, timings) {
      const entry = catalog.ready(id);
      const schema = schemaOf(entry);
      const query: AggregateQuery = parseAggregateQuery(raw, schema);
      const started = performance.now();
      const result = await cached(resultKey('aggregate', id, entry.version, raw), timings, () =>
        timed(id, timings, async () => {
          let binRange: { min: number; max: number } | undefined;
          let edges: number[] | undefined;
          if (query.bins !== undefined && query.x !== undefined) {
            // The range of the filtered rows, as for PostgreSQL datasets: the column's
            // statistics span every row, so a filtered histogram lost its resolution.
            const range = buildBinRangeSql(entry.relation, query, schema, 'duckdb');
            const [min, max] = (await db.query(range.sql, range.params)).rows[0] ?? [];
            binRange = { min: toBound(min), max: toBound(max) };
            edges = aggregateBinEdges(query, binRange);
          }
          let topGroups: string[] | undefined;
          // Median and distinct cannot be folded from per-cell partials: find the top groups first.
          if (query.group !== undefined && !isFoldable(query)) {
            const top = buildTopGroupsSql(entry.relation, query, schema, 'duckdb');
            const groups = (await db.query(top.sql, top.params)).rows.map((row) =>
              String(toScalar(row[0] ?? null)),
            );
            topGroups = groups.slice(0, query.top);
          }
          const statement = buildAggregateSql(entry.relation, query, schema, 'duckdb', {
            ...(binRange === undefined ? {} : { binRange }),
            ...(topGroups === undefined ? {} : { topGroups }),
          });
          const rows = await db.query(statement.sql, statement.params);
          const cells = rows.rows.map((row) => row.map(toScalar));
          const shaped = shapeAggregate(aggregateRows(cells), query, edges);
          return shaped;
        }),
      );
      return aggregateResponse(result, timings?.cached ?? false, started, performance.now());
    },
    async analysis(id, kind) {
      return applicableAnalysis(await catalog.analyses(id), kind);
    },
    versionOf(id) {
      return catalog.get(id).version;
    },
  };
  return queries;
}
