/**
 * Builds or verifies the cache of every file dataset, once per cache dir: a lock file makes
 * several processes (workers, replicas sharing a volume, a `cache build` next to a server)
 * build each entry once. Reports progress as a fraction of source bytes done.
 */
import { mkdir, open, readFile, rm, stat, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DashportError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type BuildFailure, type Manifest, readManifest, writeFailure } from './cache-store.js';
import { type BuildOutcome, buildDataset } from './build-dataset.js';
import { createDuckDb } from './duckdb.js';
import { type DatasetSources, loadDatasetSources, settingsFor } from './load-datasets.js';
import { isProcessAlive } from './process-alive.js';
import { buildSqlDataset } from './sql-datasets/build-sql-dataset.js';
import { planSqlBuilds } from './sql-datasets/plan-sql-builds.js';
import { buildDashboardRollups } from './rollups/dashboard-rollups.js';

export interface DatasetBuildEvent {
  readonly id: string;
  readonly status: 'building' | BuildOutcome['status'];
  readonly phase?: string;
  readonly manifest?: Manifest;
  readonly failure?: BuildFailure;
  /** 0..1 over all datasets, weighted by source size. */
  readonly progress: number;
}

export interface BuildReport {
  readonly outcomes: readonly {
    readonly id: string;
    readonly outcome: BuildOutcome;
    readonly seconds: number;
  }[];
  readonly problems: DatasetSources['problems'];
  readonly seconds: number;
}

export interface CacheBuilderOptions {
  readonly dataDir: string;
  readonly cacheDir: string;
  readonly version: string;
  readonly logger: Logger;
  /** Dashboards whose rollups are built beside their datasets; default `<dataDir>/dashboards`. */
  readonly dashboardsDir?: string;
  /** DuckDB threads for the build; defaults to the CPUs available. */
  readonly threads?: number;
  readonly memoryLimit?: string;
}

const BUILD_MEMORY_LIMIT = '512MB';
/** A lock older than this without a heartbeat belongs to a dead builder. */
const LOCK_STALE_MS = 60_000;
const LOCK_HEARTBEAT_MS = 10_000;
const LOCK_POLL_MS = 200;
const BUILD_LOCK_FILE = '.build.lock';
/** A SQL dataset's statement is interrupted past this (it runs once per change, not per request). */
const SQL_DATASET_TIMEOUT_MS = 30 * 60 * 1000;

type LockState = 'held' | 'stale' | 'unknown';

/**
 * Whether a lock file belongs to a live builder: its process runs (same host), or — another
 * host's, e.g. a Kubernetes Job on a shared volume — its heartbeat is recent. `unknown`: the
 * file vanished or is being written.
 */
async function lockState(file: string): Promise<LockState> {
  try {
    const [info, text] = await Promise.all([stat(file), readFile(file, 'utf8')]);
    const owner = JSON.parse(text) as { pid?: number; host?: string };
    const sameHostDead =
      owner.host === os.hostname() && typeof owner.pid === 'number' && !isProcessAlive(owner.pid);
    return sameHostDead || Date.now() - info.mtimeMs > LOCK_STALE_MS ? 'stale' : 'held';
  } catch {
    return 'unknown';
  }
}

/** Whether a live process holds the build lock of `cacheDir` now (without taking it). */
export async function isBuildLockHeld(cacheDir: string): Promise<boolean> {
  return (await lockState(path.join(cacheDir, BUILD_LOCK_FILE))) === 'held';
}

/** Take the build lock of a cache dir, waiting for another builder if needed. */
export async function acquireBuildLock(
  cacheDir: string,
  onWait?: () => void,
): Promise<() => Promise<void>> {
  await mkdir(cacheDir, { recursive: true });
  const file = path.join(cacheDir, BUILD_LOCK_FILE);
  let warned = false;
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(
        JSON.stringify({ pid: process.pid, host: os.hostname(), at: new Date().toISOString() }),
      );
      await handle.close();
      const heartbeat = setInterval(() => {
        const now = new Date();
        utimes(file, now, now).catch(() => undefined);
      }, LOCK_HEARTBEAT_MS);
      heartbeat.unref();
      return async () => {
        clearInterval(heartbeat);
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const state = await lockState(file);
    if (state === 'stale') await rm(file, { force: true });
    if (state !== 'held') continue;
    if (!warned) {
      warned = true;
      onWait?.();
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

export interface BuildAllOptions {
  readonly force?: boolean;
  readonly only?: readonly string[];
  readonly onEvent?: (event: DatasetBuildEvent) => void;
}

export async function buildCache(
  options: CacheBuilderOptions,
  run: BuildAllOptions = {},
): Promise<BuildReport> {
  const started = performance.now();
  const datasets = await loadDatasetSources(options.dataDir);
  if (run.only) {
    const unknown = run.only.filter((id) => !datasets.sources.some((s) => s.id === id));
    if (unknown.length > 0) {
      throw new DashportError(
        'DASHPORT_ERR_DATASET_NOT_FOUND',
        `unknown dataset ${unknown.map((id) => `"${id}"`).join(', ')}; datasets are: ${datasets.sources.map((s) => s.id).join(', ')}`,
      );
    }
  }
  const release = await acquireBuildLock(options.cacheDir, () =>
    options.logger.info(
      { cacheDir: options.cacheDir },
      'another process is building the cache; waiting for it',
    ),
  );
  const db = await createDuckDb({
    threads: options.threads ?? Math.max(1, os.availableParallelism()),
    connections: 1,
    queryTimeoutMs: 6 * 60 * 60 * 1000,
    // Past this DuckDB spills to disk rather than growing: a 500 MB CSV builds in < 900 MB RSS.
    memoryLimit: options.memoryLimit ?? BUILD_MEMORY_LIMIT,
    tempDirectory: path.join(options.cacheDir, '.spill'),
  });
  const outcomes: { id: string; outcome: BuildOutcome; seconds: number }[] = [];
  let doneBytes = 0;
  const rollups = buildDashboardRollups({
    db,
    cacheDir: options.cacheDir,
    dashboardsDir: options.dashboardsDir ?? path.join(options.dataDir, 'dashboards'),
    logger: options.logger,
  });
  try {
    // SQL datasets after the datasets they read; a selected dataset rebuilds what reads it.
    const sqlPlan = await planSqlBuilds(db, datasets);
    const wanted = run.only ? sqlPlan.withDependents(run.only) : undefined;
    const byId = new Map(datasets.sources.map((s) => [s.id, s]));
    const selected = [
      ...datasets.sources.filter((s) => s.kind !== 'sql'),
      ...sqlPlan.order.flatMap((id) => byId.get(id) ?? []),
      ...datasets.sources.filter((s) => s.kind === 'sql' && sqlPlan.failures.has(s.id)),
    ].filter((s) => wanted === undefined || wanted.has(s.id));
    const sizes = await Promise.all(
      selected.map(async (source) => {
        const all = await Promise.all(
          source.files.map((file) =>
            stat(file)
              .then((s) => s.size)
              .catch(() => 0),
          ),
        );
        return Math.max(
          1,
          all.reduce((a, b) => a + b, 0),
        );
      }),
    );
    const totalBytes = sizes.reduce((a, b) => a + b, 0) || 1;
    for (const [index, source] of selected.entries()) {
      const datasetStarted = performance.now();
      const progress = () => doneBytes / totalBytes;
      const context = {
        db,
        cacheDir: options.cacheDir,
        version: options.version,
        ...(run.force === undefined ? {} : { force: run.force }),
        onPhase: (phase: 'hashing' | 'converting' | 'analysing') =>
          run.onEvent?.({ id: source.id, status: 'building', phase, progress: progress() }),
      };
      const settings = settingsFor(datasets, source.id);
      const sqlFailure = sqlPlan.failures.get(source.id);
      const sqlInput = sqlPlan.inputs.get(source.id);
      let outcome: BuildOutcome;
      if (sqlFailure !== undefined) {
        await writeFailure(options.cacheDir, source.id, sqlFailure);
        const manifest = await readManifest(options.cacheDir, source.id);
        outcome = { status: 'failed', failure: sqlFailure, manifest };
      } else if (sqlInput !== undefined) {
        outcome = await buildSqlDataset(source, settings, context, sqlInput, {
          threads: options.threads ?? Math.max(1, os.availableParallelism()),
          memoryLimit: options.memoryLimit ?? BUILD_MEMORY_LIMIT,
          tempDirectory: path.join(options.cacheDir, '.spill'),
          timeoutMs: SQL_DATASET_TIMEOUT_MS,
        });
      } else {
        outcome = await buildDataset(source, settings, context);
      }
      doneBytes += sizes[index] ?? 0;
      const seconds = (performance.now() - datasetStarted) / 1000;
      outcomes.push({ id: source.id, outcome, seconds });
      if (outcome.status === 'failed') {
        options.logger.error(
          { dataset: source.id, file: outcome.failure.file, line: outcome.failure.line },
          `dataset ${source.id} failed: ${outcome.failure.message}`,
        );
      } else {
        options.logger.info(
          {
            dataset: source.id,
            status: outcome.status,
            rows: outcome.manifest.rows,
            seconds: Number(seconds.toFixed(3)),
          },
          `dataset ${source.id} ${outcome.status === 'built' ? 'built' : 'is fresh'} (${outcome.manifest.rows} rows)`,
        );
      }
      run.onEvent?.({
        id: source.id,
        status: outcome.status,
        ...(outcome.manifest ? { manifest: outcome.manifest } : {}),
        ...(outcome.status === 'failed' ? { failure: outcome.failure } : {}),
        progress: progress(),
      });
      // After the event: the dataset serves from its base table while its rollups build.
      if (outcome.status !== 'failed') await rollups.build(outcome.manifest);
    }
  } finally {
    db.close();
    await release();
  }
  for (const problem of datasets.problems) {
    options.logger.error({ dataset: problem.id, location: problem.location }, problem.reason);
  }
  return { outcomes, problems: datasets.problems, seconds: (performance.now() - started) / 1000 };
}
