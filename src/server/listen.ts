/**
 * Starts one serving process: DuckDB, the catalog over the cache, the app, the listening
 * socket. With `buildCache: true` (dev, single process) it also builds the cache in the
 * background; under the supervisor the primary builds and tells the workers.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import { buildCache } from '../engine/cache-builder.js';
import { type Catalog, createCatalog } from '../engine/catalog.js';
import type { DatasetQueries } from '../engine/dataset-queries.js';
import { type DuckDb, createDuckDb } from '../engine/duckdb.js';
import { deriveDuckDbResources } from '../engine/duckdb-resources.js';
import { queryTimeoutMs } from '../engine/query-timeout.js';
import { type SharedState, createSharedState } from '../live/shared-state.js';
import type { Logger } from '../logger.js';
import { BREAKER_STATE_VALUE } from '../observability/metrics.js';
import { type Operations, createSingleProcessOperations } from '../observability/operations.js';
import type { LeaseSource } from '../resilience/lease-limiter.js';
import { detectMemoryLimit } from '../resilience/memory-limit.js';
import { detectCpuCount } from '../supervisor/cpu-count.js';
import { type AppDeps, buildApp } from './app.js';
import { initSentry } from './plugins/sentry.js';
import { type RuntimeState, createRuntimeState } from './runtime-state.js';

export interface ServerOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Build the cache in this process after listening. */
  readonly buildCache: boolean;
  /** How many serving processes share the machine (DuckDB threads are divided among them). */
  readonly processes?: number;
  /** Extra dependencies or wiring (supervisor hooks, Redis, live data). */
  readonly extend?: (deps: AppDeps) => Promise<Partial<AppDeps>> | Partial<AppDeps>;
  /** Listen on this port instead of config.port (0 = any free port, for tests). */
  readonly port?: number;
  /** The worker runtime's operations (supervisor-wide view); a process of its own otherwise. */
  readonly operations?: Operations;
  /** Watch source files for changes (the live service); `dev` has its own watcher. */
  readonly watchSources?: boolean;
  /** The server's rate-limit counters (the supervisor's, over IPC); this process's own when absent. */
  readonly rateLimitServer?: LeaseSource;
}

/** Everything a serving process holds, and how to let go of it. */
export interface ServerDeps extends AppDeps {
  readonly db: DuckDb;
  readonly shared: SharedState;
  close(): Promise<void>;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly catalog: Catalog;
  readonly queries: DatasetQueries;
  readonly db: DuckDb;
  readonly deps: ServerDeps;
  readonly state: RuntimeState;
  /** Resolves when the background build (if any) finished. */
  readonly built: Promise<void>;
  readonly url: string;
  close(): Promise<void>;
}

export async function createServerDeps(options: ServerOptions): Promise<ServerDeps> {
  const { config, logger } = options;
  const [cpu, memoryLimit] = await Promise.all([
    detectCpuCount(),
    detectMemoryLimit(config.memoryLimitMb),
  ]);
  // Each worker's DuckDB gets its share of the CPUs and of the memory budget, so workers
  // together never oversubscribe the machine; past its limit DuckDB spills instead of growing.
  const duck = deriveDuckDbResources({
    cpus: cpu.cpus,
    processes: options.processes ?? 1,
    memoryLimitBytes: memoryLimit.bytes,
    workerMemoryMb: config.workerMemoryMb,
    memoryWarnPercent: config.memoryWarnPercent,
  });
  logger.debug({ threads: duck.threads, memoryLimitMb: duck.memoryLimitMb }, duck.reason);
  const db = await createDuckDb({
    threads: duck.threads,
    connections: 4,
    queryTimeoutMs: queryTimeoutMs(config),
    memoryLimit: `${duck.memoryLimitMb}MB`,
  });
  const files = createCatalog({
    dataDir: config.dataDir,
    cacheDir: config.cacheDir,
    db,
    logger,
    postgres: config.databaseUrl !== undefined,
  });
  await files.load();
  const state = createRuntimeState();
  const operations =
    options.operations ??
    createSingleProcessOperations({
      version: config.version,
      memoryLimit,
      thresholds: {
        warnPercent: config.memoryWarnPercent,
        criticalPercent: config.memoryCriticalPercent,
      },
    });
  const { metrics } = operations;
  // Bound once per label: a cached answer counts a hit, and prom-client hashes a label object
  // on every inc() it is given.
  const layers = (counter: typeof metrics.cacheHits) => ({
    memory: counter.labels('memory'),
    redis: counter.labels('redis'),
    rollup: counter.labels('rollup'),
  });
  const cacheLookups = { hit: layers(metrics.cacheHits), miss: layers(metrics.cacheMisses) };
  const shared = await createSharedState({
    config,
    logger,
    db,
    catalog: files,
    onQuery: (dataset, ms) => metrics.queryDuration.observe({ dataset }, ms / 1000),
    onCacheLookup: (layer, outcome) => cacheLookups[outcome][layer].inc(),
    onRollupLookup: (_dataset, outcome) => cacheLookups[outcome].rollup.inc(),
    watchSources: options.watchSources ?? true,
    ...(options.rateLimitServer === undefined ? {} : { rateLimitServer: options.rateLimitServer }),
  });
  // Attaches live segments to what the file catalog found.
  await shared.catalog.refresh();
  // Redis waits at most a second and never fails the start.
  await shared.start();
  const redis = shared.redis;
  if (redis) {
    operations.probes.redis = async () => ({ ...(await redis.health()) });
    metrics.circuitBreakerState.set({ breaker: 'redis' }, BREAKER_STATE_VALUE[redis.breaker.state]);
    redis.breaker.onStateChange((next) =>
      metrics.circuitBreakerState.set({ breaker: 'redis' }, BREAKER_STATE_VALUE[next]),
    );
  }
  const pg = shared.pg;
  if (pg) {
    operations.probes.database = async () => {
      const health = await pg.source.health();
      if (health.status !== 'healthy') throw new Error(health.error ?? 'database unavailable');
    };
  }
  // Draining: SSE clients are told to reconnect (to another worker or replica).
  operations.onDrain(() => shared.hub.closeAll());
  return {
    config,
    logger,
    catalog: shared.catalog,
    queries: shared.queries,
    state,
    db,
    operations,
    shared,
    async close() {
      await shared.close();
      db.close();
    },
  };
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config, logger } = options;
  await initSentry(config, 'dev');
  const base = await createServerDeps(options);
  const deps: AppDeps = { ...base, ...(options.extend ? await options.extend(base) : {}) };
  const app = await buildApp(deps);
  const address = await app.listen({ host: config.host, port: options.port ?? config.port });
  logger.info(
    { url: address, dataDir: config.dataDir, cacheDir: config.cacheDir },
    `dashport listening on ${address}`,
  );

  let built: Promise<void> = Promise.resolve();
  if (options.buildCache) {
    deps.state.building = true;
    built = buildCache(
      {
        dataDir: config.dataDir,
        cacheDir: config.cacheDir,
        dashboardsDir: config.dashboardsDir,
        version: config.version,
        logger,
      },
      {
        onEvent: (event) => {
          deps.state.buildProgress = event.progress;
          if (event.status !== 'building') {
            void deps.catalog
              .refresh(event.id)
              .then(() => base.shared.live.announceVersion(event.id));
          }
        },
      },
    )
      .then(async () => {
        await deps.catalog.refresh();
        deps.state.buildProgress = 1;
      })
      .catch((error: unknown) => logger.error({ err: error }, 'cache build failed'))
      .finally(() => {
        deps.state.building = false;
      });
  }
  return {
    app,
    catalog: deps.catalog,
    queries: deps.queries,
    db: base.db,
    deps: base,
    state: deps.state,
    built,
    url: address,
    async close() {
      await built;
      await app.close();
      await base.close();
    },
  };
}
