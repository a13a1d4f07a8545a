/**
 * Everything shared between workers and replicas, assembled for one serving process: Redis
 * behind its breaker (when REDIS_URL is set), the two-level response cache, rate-limit
 * counters, PostgreSQL datasets (when DATABASE_URL is set), live data (segment store, SSE hub,
 * event bus, ingestion) and the DatasetQueries that serves file and pg datasets alike.
 * Plain services, no HTTP: src/server/app.ts registers the routes and plugins over them.
 */
import type { Config } from '../config/config.js';
import { buildCache } from '../engine/cache-builder.js';
import type { Catalog } from '../engine/catalog.js';
import {
  type DatasetQueries,
  createDatasetQueries,
  resultCacheOf,
} from '../engine/dataset-queries.js';
import { loadSettings } from '../engine/dataset-settings.js';
import type { DuckDb } from '../engine/duckdb.js';
import type { PgHealth, PgSource } from '../engine/postgres/pg-source.js';
import type { PgSqlDatasetSource } from '../engine/postgres/pg-sql-dataset-source.js';
import { queryTimeoutMs } from '../engine/query-timeout.js';
import type { DatasetSource } from '../engine/sources/dataset-source.js';
import { createFileSource } from '../engine/sources/file-source.js';
import { createRollupSource } from '../engine/rollups/rollup-source.js';
import { type SourceCatalog, createSourceCatalog } from '../engine/sources/source-catalog.js';
import type { Logger } from '../logger.js';
import type { LeaseSource } from '../resilience/lease-limiter.js';
import { type RateLimitCounters, createRateLimitCounters } from '../resilience/rate-limit-store.js';
import type { RedisClient, RedisHealth } from '../resilience/redis-client.js';
import {
  type CacheLayer,
  type ResponseCache,
  createResponseCache,
} from '../resilience/response-cache.js';
import { type LiveBus, createLiveBus } from './event-bus.js';
import { type LiveCatalog, createLiveCatalog } from './live-view.js';
import { type LiveService, createLiveService } from './live-service.js';
import { type SegmentStore, createSegmentStore } from './segment-store.js';
import { type SseHub, createSseHub } from './sse-hub.js';

export interface SharedStateOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: DuckDb;
  /** The file catalog; live datasets get their segments through a wrapper around it. */
  readonly catalog: Catalog;
  /** Metrics hooks. */
  readonly onQuery?: (dataset: string, ms: number) => void;
  readonly onCacheLookup?: (layer: CacheLayer, outcome: 'hit' | 'miss') => void;
  /** An aggregate answered from a rollup (hit) or, no rollup covering it, the base table. */
  readonly onRollupLookup?: (dataset: string, outcome: 'hit' | 'miss') => void;
  readonly onSseDrop?: (dataset: string) => void;
  /** Watch source files and rebuild changed datasets (default true). */
  readonly watchSources?: boolean;
  /** The server's rate-limit counters (the supervisor's); this process's own when absent. */
  readonly rateLimitServer?: LeaseSource;
}

export interface SharedHealth {
  /** Present when REDIS_URL is set. */
  readonly redis?: RedisHealth;
  /** Present when DATABASE_URL is set. */
  readonly database?: PgHealth;
}

export interface SharedState {
  readonly redis: RedisClient | undefined;
  readonly responseCache: ResponseCache;
  readonly rateLimitCounters: RateLimitCounters;
  readonly catalog: LiveCatalog;
  /** Every dataset source (files, PostgreSQL) by id. */
  readonly sources: SourceCatalog;
  /** Every kind of dataset; pass it to buildApp as `queries`. */
  readonly queries: DatasetQueries;
  readonly pg: { readonly source: PgSource } | undefined;
  readonly store: SegmentStore;
  readonly hub: SseHub;
  readonly bus: LiveBus;
  readonly live: LiveService;
  /** The redis and database checks of /health, each with its latency. */
  health(): Promise<SharedHealth>;
  /** SQL datasets over PostgreSQL that failed, with file and line (for /health). */
  pgSqlFailures(): { id: string; message: string; file: string; line: number }[];
  /** The dataset exists (file or pg), else the 404 error. */
  assertDataset(id: string): void;
  /** Connect what can be connected (never fails the start) and start the watchers. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Wait this long at start for Redis before serving from the in-process fallbacks. */
const REDIS_START_WAIT_MS = 1_000;

/** Assembles the shared state; nothing connects before `start()`. */
export async function createSharedState(options: SharedStateOptions): Promise<SharedState> {
  const { config, logger, db } = options;
  // ioredis, opossum and pg load only when configured: they cost a worker ~0.4 s of start-up.
  const redis =
    config.redisUrl === undefined
      ? undefined
      : (await import('../resilience/redis-client.js')).createRedisClient({
          url: config.redisUrl,
          breakerThreshold: config.redisBreakerThreshold,
          breakerResetSeconds: config.redisBreakerResetSeconds,
          logger,
        });
  const responseCache = createResponseCache({
    redis,
    ...(options.onCacheLookup === undefined ? {} : { onLookup: options.onCacheLookup }),
  });
  const rateLimitCounters = createRateLimitCounters({ redis, server: options.rateLimitServer });
  const store = createSegmentStore({ cacheDir: config.cacheDir });
  const catalog = createLiveCatalog(options.catalog, { db, store, cacheDir: config.cacheDir });

  let pg: SharedState['pg'];
  let pgDatasets: DatasetSource | undefined;
  let pgSqlDatasets: PgSqlDatasetSource | undefined;
  if (config.databaseUrl !== undefined) {
    const [{ createPgSource }, { createPgDatasetSource }, { createPgSqlDatasetSource }] =
      await Promise.all([
        import('../engine/postgres/pg-source.js'),
        import('../engine/postgres/pg-dataset-source.js'),
        import('../engine/postgres/pg-sql-dataset-source.js'),
      ]);
    const settings = await loadSettings(config.dataDir).catch(() => ({}));
    const source = createPgSource({
      url: config.databaseUrl,
      schemas: config.pgSchemas,
      settings,
      cacheDir: config.cacheDir,
      logger,
      statementTimeoutMs: queryTimeoutMs(config),
    });
    pg = { source };
    pgDatasets = createPgDatasetSource({ source, db });
    pgSqlDatasets = createPgSqlDatasetSource({ source, db, dataDir: config.dataDir, logger });
  }
  // PostgreSQL first: a `pg.*` id is the database's, as it always was.
  // File datasets answer the aggregates their dashboards' rollups cover from the rollups.
  const fileDatasets = createRollupSource({
    inner: createFileSource({ catalog, db, cacheDir: config.cacheDir }),
    db,
    cacheDir: config.cacheDir,
    ...(options.onRollupLookup === undefined ? {} : { onLookup: options.onRollupLookup }),
  });
  const sources = createSourceCatalog(
    pgDatasets === undefined || pgSqlDatasets === undefined
      ? [fileDatasets]
      : [pgDatasets, pgSqlDatasets, fileDatasets],
  );
  const queries = createDatasetQueries({
    sources,
    cache: resultCacheOf(responseCache),
    ...(options.onQuery === undefined ? {} : { onQuery: options.onQuery }),
  });

  const hub = createSseHub({
    // Called only once clients connect, after `live` below exists.
    versionOf: (id) => live.versionOf(id),
    ...(options.onSseDrop === undefined ? {} : { onDrop: options.onSseDrop }),
  });
  const bus = createLiveBus({ redis, logger });
  bus.onEvent((event) => responseCache.invalidate(event.dataset));
  const live: LiveService = createLiveService({
    catalog,
    store,
    hub,
    bus,
    db,
    logger,
    sources,
    pg,
    ...(options.watchSources === false
      ? {}
      : {
          rebuild: async (ids: readonly string[]) => {
            await buildCache(
              {
                dataDir: config.dataDir,
                cacheDir: config.cacheDir,
                dashboardsDir: config.dashboardsDir,
                version: config.version,
                logger,
              },
              { only: ids },
            );
          },
        }),
  });
  const service = live;

  return {
    redis,
    responseCache,
    rateLimitCounters,
    catalog,
    sources,
    queries,
    pg,
    store,
    hub,
    bus,
    live: service,
    async health() {
      const [redisHealth, database] = await Promise.all([redis?.health(), pg?.source.health()]);
      return {
        ...(redisHealth === undefined ? {} : { redis: redisHealth }),
        ...(database === undefined ? {} : { database }),
      };
    },
    pgSqlFailures: () => pgSqlDatasets?.failures() ?? [],
    assertDataset(id) {
      sources.sourceOf(id);
    },
    async start() {
      if (redis !== undefined && !(await redis.waitReady(REDIS_START_WAIT_MS))) {
        logger.warn(
          'Redis is not reachable yet: serving from the in-process cache and counters until it is',
        );
      }
      await pg?.source.start();
      await pgSqlDatasets?.start();
      await service.start();
    },
    async close() {
      rateLimitCounters.flush();
      rateLimitCounters.close();
      hub.closeAll();
      await service.close();
      await bus.close();
      pgSqlDatasets?.close();
      await pg?.source.close();
      await redis?.close();
    },
  };
}
