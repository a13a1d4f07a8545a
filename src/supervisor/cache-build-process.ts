/**
 * The supervisor's handle on the cache builder: forks cache-build-child, relays its events as
 * they come, and resolves when it is done. Build durations go to dashport_cache_build_seconds.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import type { DashportMetrics } from '../observability/metrics.js';
import {
  type BuildEventMessage,
  type BuildStartMessage,
  isBuilderMessage,
} from './cache-build-protocol.js';

/** Share of the server's memory budget DuckDB may use while building. */
const BUILD_MEMORY_SHARE = 0.4;
const MIN_BUILD_MEMORY_MB = 256;

export interface CacheBuildHandlers {
  onEvent(event: BuildEventMessage): void;
  onRss(rssBytes: number): void;
}

export interface CacheBuild {
  /** Resolves with true when the builder finished cleanly. */
  readonly done: Promise<boolean>;
  readonly pid: number | undefined;
  /** Ends the build now (shutdown); entries are written atomically, so none is left half-written. */
  stop(): void;
}

export function startCacheBuild(options: {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: DashportMetrics;
  readonly memoryLimitBytes: number;
  readonly handlers: CacheBuildHandlers;
}): CacheBuild {
  const { config, logger, metrics, handlers } = options;
  const script = fileURLToPath(new URL('./cache-build-child.js', import.meta.url));
  const child: ChildProcess = fork(script, [], { stdio: 'inherit', serialization: 'json' });
  const memoryMb = Math.max(
    MIN_BUILD_MEMORY_MB,
    Math.floor((options.memoryLimitBytes * BUILD_MEMORY_SHARE) / 1024 / 1024),
  );
  const start: BuildStartMessage = {
    type: 'dashport:build-start',
    dataDir: config.dataDir,
    cacheDir: config.cacheDir,
    dashboardsDir: config.dashboardsDir,
    version: config.version,
    logLevel: config.logLevel,
    logFormat: config.logFormat,
    memoryLimit: `${memoryMb}MB`,
  };
  child.send(start);
  child.on('message', (message: unknown) => {
    if (!isBuilderMessage(message)) return;
    if (message.type === 'dashport:build-event') handlers.onEvent(message);
    else if (message.type === 'dashport:build-rss') handlers.onRss(message.rssBytes);
    else {
      for (const outcome of message.outcomes) {
        metrics.cacheBuildSeconds.observe(
          { dataset: outcome.id, status: outcome.status },
          outcome.seconds,
        );
      }
      logger.info(
        { seconds: Math.round(message.seconds * 1000) / 1000, datasets: message.outcomes.length },
        'cache build finished',
      );
    }
  });
  const done = new Promise<boolean>((resolve) => {
    child.once('exit', (code, signal) => {
      handlers.onRss(0);
      if (code !== 0)
        logger.error({ code, signal }, 'cache builder exited with an error; see its log above');
      resolve(code === 0);
    });
    child.once('error', (error) => {
      logger.error({ err: error }, 'cache builder could not start');
      resolve(false);
    });
  });
  return {
    done,
    pid: child.pid,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
