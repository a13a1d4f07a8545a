/**
 * The data API's domain logic for every kind of dataset: descriptions, rows, aggregates and
 * analyses, from URL parameters to JSON-ready results. Plain factory, no HTTP: routes and
 * dashboards call it. It parses each request against the dataset's columns, finds the dataset's
 * source in the SourceCatalog and lets it answer; caching (keyed by dataset version and the
 * normalized query, so a changed dataset never serves an old answer), the sharing of identical
 * queries in flight, and timings for Server-Timing and metrics are done here, once for all.
 */
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
import { type ResponseCache, createResponseCache } from '../resilience/response-cache.js';
import { type AnalysisKind, applicableAnalysis } from './compute-analyses.js';
import { queryDigest } from './query-digest.js';
import { type ServedDataset, selectedColumns } from './sources/dataset-source.js';
import type { SourceCatalog } from './sources/source-catalog.js';
import { parseAggregateQuery } from './sql/parse-aggregate-query.js';
import { parseRowsQuery } from './sql/parse-rows-query.js';
import type { RawQuery, RowsQuery } from './sql/query-types.js';
import { type ShapedAggregate, aggregateResponse } from './sql/shape-aggregate.js';

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

/** What identifies a cached result: the response cache's key (src/resilience/response-cache.ts). */
export interface ResultKey {
  readonly dataset: string;
  readonly version: string;
  /** rows, aggregate. */
  readonly kind: string;
  /** A digest of the normalized query. */
  readonly query: string;
}

export interface ResultCache {
  get(key: ResultKey): Promise<unknown>;
  set(key: ResultKey, value: unknown): Promise<void>;
  /** This process's entry, synchronously; undefined when only a shared layer might hold it. */
  peek(key: ResultKey): unknown;
}

export interface DatasetQueriesOptions {
  readonly sources: SourceCatalog;
  /** Shared response cache (Redis-backed when configured); defaults to an in-process one. */
  readonly cache?: ResultCache;
  /** Called after each engine query: dataset id and milliseconds. */
  readonly onQuery?: (dataset: string, ms: number) => void;
}

export interface DatasetQueries {
  list(): DatasetSummary[];
  describe(id: string): DatasetDetail;
  /** Validate without running, so a bad request fails before a stream starts. */
  parseRows(id: string, raw: RawQuery): { entry: ServedDataset; query: RowsQuery };
  rows(id: string, raw: RawQuery, timings?: QueryTimings): Promise<RowsResponse>;
  /** Rows as chunks, for CSV/NDJSON streaming. */
  streamRows(
    id: string,
    query: RowsQuery,
  ): { columns: string[]; chunks: AsyncGenerator<CellValue[][]> };
  /** The page of rows as a Parquet file or an Arrow IPC stream. */
  exportRows(id: string, query: RowsQuery, format: 'parquet' | 'arrow'): Promise<Uint8Array>;
  aggregate(id: string, raw: RawQuery, timings?: QueryTimings): Promise<AggregateResponse>;
  /**
   * The answer `aggregate` would give from this process's cache for the query whose
   * `queryDigest` is `digest`, synchronously, or undefined when it would have to ask Redis or
   * the engine, or would answer an error (unknown dataset, not ready). Only valid queries are
   * ever cached, so a hit needs no parsing.
   */
  peekAggregate(id: string, digest: string): AggregateResponse | undefined;
  analysis(
    id: string,
    kind: AnalysisKind,
  ): Promise<SummaryAnalysis | CorrelationAnalysis | PcaAnalysis | ProfilesAnalysis>;
  /** A string that changes whenever the answer to this query may change: the ETag's input. */
  versionOf(id: string): string;
  /** Newest modification of the dataset's data, for Last-Modified. */
  updatedAtOf(id: string): Date | undefined;
}

export function resultKey(kind: string, dataset: ServedDataset, raw: RawQuery): ResultKey {
  return digestKey(kind, dataset, queryDigest(raw));
}

/** The key of a query already digested (`queryDigest`). */
function digestKey(kind: string, dataset: ServedDataset, digest: string): ResultKey {
  return { dataset: dataset.id, version: dataset.version, kind, query: digest };
}

/** DatasetQueries' results in a response cache (its keys are the response cache's). */
export function resultCacheOf(cache: ResponseCache): ResultCache {
  return {
    async get(key) {
      return (await cache.get(key))?.value;
    },
    set: (key, value) => cache.set(key, value),
    peek: (key) => cache.peek(key)?.value,
  };
}

export function createDatasetQueries(options: DatasetQueriesOptions): DatasetQueries {
  const { sources } = options;
  const cache = options.cache ?? resultCacheOf(createResponseCache());

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
    key: ResultKey,
    timings: QueryTimings | undefined,
    compute: () => Promise<T>,
  ): Promise<T> {
    const hit = (await cache.get(key)) as T | undefined;
    if (hit !== undefined) {
      if (timings) timings.cached = true;
      return hit;
    }
    const flightKey = `${key.kind}\u0000${key.dataset}\u0000${key.version}\u0000${key.query}`;
    const running = inFlight.get(flightKey) as Promise<T> | undefined;
    if (running !== undefined) return running;
    const promise = compute().then(async (value) => {
      await cache.set(key, value);
      return value;
    });
    inFlight.set(flightKey, promise);
    try {
      return await promise;
    } finally {
      inFlight.delete(flightKey);
    }
  }

  /** The source of `id` and its dataset, ready to answer (else 404 or 503). */
  function served(id: string) {
    const source = sources.sourceOf(id);
    return { source, dataset: source.ready(id) };
  }

  return {
    list: () => sources.list(),
    describe: (id) => sources.sourceOf(id).describe(id),
    parseRows(id, raw) {
      const { dataset } = served(id);
      return { entry: dataset, query: parseRowsQuery(raw, dataset.columns) };
    },
    async rows(id, raw, timings) {
      const { source, dataset } = served(id);
      const query = parseRowsQuery(raw, dataset.columns);
      return cached(resultKey('rows', dataset, raw), timings, () =>
        timed(id, timings, async () => {
          const page = await source.rows(dataset, query);
          return { ...page, limit: query.limit, offset: query.offset };
        }),
      );
    },
    streamRows(id, query) {
      const { source, dataset } = served(id);
      return {
        columns: selectedColumns(dataset, query),
        chunks: source.streamRows(dataset, query),
      };
    },
    exportRows(id, query, format) {
      const { source, dataset } = served(id);
      return timed(id, undefined, () => source.exportRows(dataset, query, format));
    },
    async aggregate(id, raw, timings) {
      const { source, dataset } = served(id);
      const query = parseAggregateQuery(raw, dataset.columns);
      const started = performance.now();
      const result = await cached(resultKey('aggregate', dataset, raw), timings, () =>
        timed(id, timings, () => source.aggregate(dataset, query)),
      );
      return aggregateResponse(result, timings?.cached ?? false, started, performance.now());
    },
    peekAggregate(id, digest) {
      const started = performance.now();
      let dataset: ServedDataset;
      try {
        dataset = served(id).dataset;
      } catch {
        // 404 or 503: the route answers it, with its reason.
        return undefined;
      }
      const hit = cache.peek(digestKey('aggregate', dataset, digest)) as
        ShapedAggregate | undefined;
      return hit && aggregateResponse(hit, true, started, performance.now());
    },
    async analysis(id, kind) {
      const { source, dataset } = served(id);
      return applicableAnalysis(await source.analyses(dataset), kind);
    },
    versionOf: (id) => sources.versionOf(id),
    updatedAtOf: (id) => sources.updatedAtOf(id),
  };
}
