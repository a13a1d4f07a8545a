/**
 * Runs the checks behind /health: the data dir, the catalog's view of the cache, the server's
 * memory and workers, and the configured dependencies — each bounded by a timeout so /health
 * answers even when a dependency hangs, and each with its latency.
 */
import { rollupSummaries } from '../../../engine/rollups/rollup-summary.js';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { Config } from '../../../config/config.js';
import type { Catalog } from '../../../engine/catalog.js';
import { redactUrlSecrets } from '../../../logger.js';
import type { Operations } from '../../../observability/operations.js';
import type { RuntimeState } from '../../runtime-state.js';
import type { DatasetFacts, HealthInputs, Timed } from './health-report.js';

/** No single check may hold /health longer than this. */
export const CHECK_TIMEOUT_MS = 2_000;

export interface HealthSources {
  readonly config: Config;
  readonly catalog: Catalog;
  readonly state: RuntimeState;
  readonly operations: Operations;
  /** Datasets served outside the cache that failed (SQL datasets over PostgreSQL): broken too. */
  readonly otherFailures?: () => readonly {
    readonly id: string;
    readonly message: string;
    readonly file: string;
    readonly line: number;
  }[];
}

/** Run `probe`, timing it; a rejection or a timeout becomes `error` (secrets redacted). */
export async function timed<T>(
  probe: () => Promise<T>,
  timeoutMs: number = CHECK_TIMEOUT_MS,
): Promise<Timed<T>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      probe(),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { latencyMs: performance.now() - started, value };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { latencyMs: performance.now() - started, error: redactUrlSecrets(message) };
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves when the data dir is a readable folder; rejects naming the problem. */
export async function checkDataDir(dataDir: string): Promise<true> {
  const info = await stat(dataDir);
  if (!info.isDirectory()) throw new Error(`${dataDir} is not a directory`);
  await access(dataDir, constants.R_OK | constants.X_OK);
  return true;
}

export function datasetFacts(catalog: Catalog): DatasetFacts[] {
  return catalog.list().map((entry) => ({
    id: entry.id,
    state: entry.state,
    built: entry.manifest !== undefined,
    sizeBytes: entry.manifest?.parquetBytes ?? 0,
    stale: entry.stale,
    kind: entry.kind,
    ...(entry.failure === undefined
      ? {}
      : {
          failure: {
            message: redactUrlSecrets(entry.failure.message),
            ...(entry.failure.file === undefined ? {} : { file: entry.failure.file }),
            ...(entry.failure.line === undefined ? {} : { line: entry.failure.line }),
          },
        }),
  }));
}

export async function gatherHealth(
  sources: HealthSources,
  now: Date = new Date(),
): Promise<HealthInputs> {
  const { config, catalog, state, operations } = sources;
  const { database, redis } = operations.probes;
  const [data, databaseResult, redisResult] = await Promise.all([
    timed(() => checkDataDir(config.dataDir)),
    config.databaseUrl !== undefined && database !== undefined
      ? timed(async () => {
          await database();
          return true as const;
        })
      : Promise.resolve(undefined),
    config.redisUrl !== undefined && redis !== undefined
      ? timed(redis)
      : Promise.resolve(undefined),
  ]);
  const cacheStarted = performance.now();
  const datasets = [
    ...datasetFacts(catalog),
    ...(sources.otherFailures?.() ?? []).map((failure): DatasetFacts => ({
      id: failure.id,
      state: 'broken',
      built: false,
      sizeBytes: 0,
      stale: false,
      kind: 'sql',
      failure: {
        message: redactUrlSecrets(failure.message),
        file: failure.file,
        line: failure.line,
      },
    })),
  ];
  const rollups = await rollupSummaries(
    config.cacheDir,
    catalog.list().map((entry) => ({ id: entry.id, version: entry.version })),
  );
  const cacheLatencyMs = performance.now() - cacheStarted;
  return {
    config,
    timestamp: now.toISOString(),
    uptimeSeconds: Math.round((now.getTime() - operations.server.startedAt()) / 1000),
    data,
    datasets,
    rollups,
    cacheLatencyMs,
    building: state.building,
    progress: Math.max(state.buildProgress, catalog.progress()),
    memory: operations.server.memory(),
    workers: operations.server.workers(),
    security: operations.security,
    ...(databaseResult === undefined ? {} : { database: databaseResult }),
    ...(redisResult === undefined ? {} : { redis: redisResult }),
  };
}
