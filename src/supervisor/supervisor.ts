/**
 * `dashport serve`'s primary process. It serves nothing itself: it checks that the server can
 * run, sizes and starts the workers, has the cache built once (in a child process) and relays
 * each commit to the workers, watches their heartbeats and memory, and turns signals into a
 * graceful shutdown (SIGTERM, SIGINT) or a rolling restart (SIGHUP).
 */
import { publicDataWarning } from '../auth/public-warning.js';
import cluster from 'node:cluster';
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import type { Config } from '../config/config.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createPrimaryMetricsHub } from '../observability/cluster-metrics.js';
import { createMetrics } from '../observability/metrics.js';
import { type MemorySnapshot, assessMemory } from '../resilience/memory-status.js';
import { flushSentry, initSentry } from '../server/plugins/sentry.js';
import { type CacheBuild, startCacheBuild } from './cache-build-process.js';
import type { StatusMessage } from './messages.js';
import { detectServerResources } from './resources.js';
import { createWorkerPool } from './worker-pool.js';
import { pickMemoryVictim } from './worker-policy.js';

/** How often workers hear how the server is doing, and memory is checked. */
export const STATUS_INTERVAL_MS = 1_000;
/** A worker must listen with its catalog loaded within this long (or DASHPORT_TIMEOUT if longer). */
export const MIN_STARTUP_TIMEOUT_MS = 60_000;
/** After a memory recycle, wait this long before judging memory again. */
export const MEMORY_RECYCLE_COOLDOWN_MS = 30_000;

export interface SupervisorOptions {
  readonly config: Config;
  readonly logger: Logger;
}

/** Fails the start (exit 2) when the server could not work at all; warns about the rest. */
async function preflight(config: Config, logger: Logger): Promise<void> {
  try {
    await mkdir(config.cacheDir, { recursive: true });
    await access(config.cacheDir, constants.W_OK);
  } catch (error) {
    throw new ConfigError(
      `DASHPORT_CACHE_DIR must be a writable folder, got "${config.cacheDir}": ${(error as Error).message}`,
      'DASHPORT_CACHE_DIR',
    );
  }
  try {
    await access(config.dataDir, constants.R_OK | constants.X_OK);
  } catch (error) {
    // Not fatal: the server starts and /health says unhealthy until the folder appears.
    logger.error(
      { dataDir: config.dataDir },
      `data dir is not readable: ${(error as Error).message}`,
    );
  }
}

/** The longest the first cache verification waits for a worker to be ready. */
const FIRST_BUILD_DELAY_MAX_MS = 3_000;

export async function runSupervisor(options: SupervisorOptions): Promise<void> {
  const { config } = options;
  const logger = options.logger.child({ role: 'supervisor' });
  await preflight(config, logger);
  await initSentry(config, 'supervisor');
  const resources = await detectServerResources(config);
  const size = resources.sizing.count;
  logger.info(
    {
      workers: size,
      cpus: resources.cpu.cpus,
      memoryLimitBytes: resources.memory.bytes,
      memorySource: resources.memory.source,
    },
    `starting ${size} worker${size === 1 ? '' : 's'}: ${resources.sizing.reason}`,
  );
  if (resources.sizing.warning) logger.warn(resources.sizing.warning);
  if (resources.memory.note) logger.warn(resources.memory.note);
  const publicWarning = publicDataWarning(config);
  if (publicWarning !== undefined) logger.warn(publicWarning);

  const metrics = createMetrics({ role: 'primary', version: config.version });
  metrics.workersExpected.set(size);
  metrics.memoryLimitBytes.set(resources.memory.bytes);
  const thresholds = {
    warnPercent: config.memoryWarnPercent,
    criticalPercent: config.memoryCriticalPercent,
  };

  const startedAt = Date.now() - process.uptime() * 1000;
  let draining = false;
  let shuttingDown = false;
  const build = { running: false, progress: 0, rssBytes: 0 };
  let builder: CacheBuild | undefined;
  let lastMemoryRecycleAt = -Infinity;
  let memory: MemorySnapshot = assessMemory(
    process.memoryUsage.rss(),
    resources.memory.bytes,
    thresholds,
  );

  cluster.setupPrimary({ silent: false });
  const pool = createWorkerPool({
    size,
    timeoutMs: config.timeoutSeconds * 1000,
    startupTimeoutMs: Math.max(MIN_STARTUP_TIMEOUT_MS, config.timeoutSeconds * 1000),
    gracefulTimeoutMs: config.gracefulTimeoutSeconds * 1000,
    maxRequests: config.maxRequests,
    maxRequestsJitter: config.maxRequestsJitter,
    logger,
    metrics,
    onWorkerMessage: (worker, message) => hub.handleWorkerMessage(worker.worker, message),
    onChange: () => {
      // Verifying the cache competes with the workers' start for the CPUs; workers already
      // serve the entries on disk, so it starts once the first worker answers.
      if (!buildStarted && pool.alive() > 0) startFirstBuild();
      broadcastStatus();
    },
  });
  const hub = createPrimaryMetricsHub({
    metrics,
    workers: () =>
      pool
        .list()
        .filter((w) => w.worker.isConnected() && w.state !== 'starting')
        .map((w) => w.worker),
  });

  function statusMessage(): StatusMessage {
    return {
      type: 'dashport:status',
      startedAt,
      workers: { alive: pool.alive(), expected: size },
      memory,
      build: { running: build.running, progress: build.progress },
      draining,
    };
  }

  function broadcastStatus(): void {
    metrics.workersAlive.set(pool.alive());
    pool.broadcast(statusMessage());
  }

  function sampleMemory(): void {
    const workersRss = pool.list().reduce((sum, w) => sum + w.rssBytes, 0);
    memory = assessMemory(
      process.memoryUsage.rss() + workersRss + build.rssBytes,
      resources.memory.bytes,
      thresholds,
    );
    metrics.memoryUsageBytes.set(memory.rssBytes);
    if (memory.level !== 'critical' || shuttingDown || pool.busy()) return;
    const at = performance.now();
    if (at - lastMemoryRecycleAt < MEMORY_RECYCLE_COOLDOWN_MS) return;
    const candidates = pool.list().filter((w) => w.state === 'ready' && !w.recycling);
    const victimId = pickMemoryVictim(candidates, at);
    const victim = candidates.find((w) => w.id === victimId);
    if (victim === undefined) return;
    lastMemoryRecycleAt = at;
    logger.warn(
      { percent: memory.percent, worker: victim.id, rssBytes: victim.rssBytes },
      'memory above DASHPORT_MEMORY_CRITICAL; recycling the largest worker',
    );
    void pool.recycle(victim, 'memory');
  }

  function startBuild(): void {
    if (build.running || shuttingDown) return;
    build.running = true;
    build.progress = 0;
    const current = startCacheBuild({
      config,
      logger,
      metrics,
      memoryLimitBytes: resources.memory.bytes,
      handlers: {
        onEvent(event) {
          build.progress = event.progress;
          if (event.status !== 'building') {
            pool.broadcast({ type: 'dashport:dataset', id: event.id, progress: event.progress });
          }
        },
        onRss(rssBytes) {
          build.rssBytes = rssBytes;
        },
      },
    });
    builder = current;
    void current.done.then(() => {
      build.running = false;
      build.progress = 1;
      builder = undefined;
      pool.broadcast({ type: 'dashport:build-done' });
      broadcastStatus();
    });
  }

  async function shutdown(signal: NodeJS.Signals): Promise<void> {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal during shutdown: stopping now');
      pool.killAll();
      process.exit(1);
    }
    shuttingDown = true;
    draining = true;
    logger.info(
      {
        signal,
        shutdownDelaySeconds: config.shutdownDelaySeconds,
        gracefulTimeoutSeconds: config.gracefulTimeoutSeconds,
      },
      'shutting down: readiness fails now',
    );
    pool.broadcast({ type: 'dashport:drain' });
    broadcastStatus();
    await new Promise((resolve) => setTimeout(resolve, config.shutdownDelaySeconds * 1000));
    builder?.stop();
    await pool.stopAll();
    await flushSentry();
    logger.info('all workers stopped; exiting');
    process.exit(0);
  }

  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
  process.on('SIGHUP', () => {
    if (shuttingDown) return;
    logger.info('SIGHUP: verifying the cache and restarting every worker, one at a time');
    startBuild();
    void pool.reload().then(() => logger.info('rolling restart complete'));
  });

  const tick = setInterval(() => {
    sampleMemory();
    broadcastStatus();
  }, STATUS_INTERVAL_MS);
  tick.unref();

  let buildStarted = false;
  const startFirstBuild = (): void => {
    if (buildStarted) return;
    buildStarted = true;
    startBuild();
  };
  pool.start();
  // Fallback when no worker comes up (it could be the build that a broken start waits on).
  setTimeout(startFirstBuild, FIRST_BUILD_DELAY_MAX_MS).unref();
  logger.info({ port: config.port, host: config.host }, `supervisor running (pid ${process.pid})`);
}
