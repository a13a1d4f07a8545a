/**
 * Starts one serving process: DuckDB, the catalog over the cache, the app, the listening
 * socket. With `buildCache: true` (dev, single process) it also builds the cache in the
 * background; under the supervisor the primary builds and tells the workers.
 */
import os from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import { buildCache } from '../engine/cache-builder.js';
import { type Catalog, createCatalog } from '../engine/catalog.js';
import { type DatasetQueries, createDatasetQueries } from '../engine/dataset-queries.js';
import { type DuckDb, createDuckDb } from '../engine/duckdb.js';
import type { Logger } from '../logger.js';
import { type AppDeps, buildApp } from './app.js';
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
}

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly catalog: Catalog;
  readonly queries: DatasetQueries;
  readonly db: DuckDb;
  readonly state: RuntimeState;
  /** Resolves when the background build (if any) finished. */
  readonly built: Promise<void>;
  readonly url: string;
  close(): Promise<void>;
}

/** Per-query deadline: the request timeout, so a query never outlives its request. */
export function queryTimeoutMs(config: Config): number {
  return Math.max(1000, Math.round(config.timeoutSeconds * 1000));
}

export async function createServerDeps(options: ServerOptions): Promise<AppDeps & { db: DuckDb }> {
  const { config, logger } = options;
  const cpus = Math.max(1, os.availableParallelism());
  const processes = Math.max(1, options.processes ?? 1);
  const db = await createDuckDb({
    threads: Math.max(1, Math.floor(cpus / processes)),
    connections: 4,
    queryTimeoutMs: queryTimeoutMs(config),
    // Data lives in Parquet; DuckDB's buffers stay within the worker's budget and spill past it.
    memoryLimit: `${Math.max(128, config.workerMemoryMb)}MB`,
  });
  const catalog = createCatalog({ dataDir: config.dataDir, cacheDir: config.cacheDir, db, logger });
  await catalog.load();
  const queries = createDatasetQueries({ catalog, db });
  const state = createRuntimeState();
  return { config, logger, catalog, queries, state, db };
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config, logger } = options;
  const base = await createServerDeps(options);
  const deps: AppDeps = { ...base, ...(options.extend ? await options.extend(base) : {}) };
  const app = await buildApp(deps);
  const address = await app.listen({ host: config.host, port: options.port ?? config.port });
  logger.info({ url: address, dataDir: config.dataDir, cacheDir: config.cacheDir }, `dashport listening on ${address}`);

  let built: Promise<void> = Promise.resolve();
  if (options.buildCache) {
    deps.state.building = true;
    built = buildCache(
      { dataDir: config.dataDir, cacheDir: config.cacheDir, version: config.version, logger },
      {
        onEvent: (event) => {
          deps.state.buildProgress = event.progress;
          if (event.status !== 'building') void deps.catalog.refresh(event.id);
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
    state: deps.state,
    built,
    url: address,
    async close() {
      await built;
      await app.close();
      base.db.close();
    },
  };
}
