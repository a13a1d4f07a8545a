/**
 * The entry of `dashport serve` in every process of the cluster: the primary becomes the
 * supervisor, each forked copy (same script, same arguments) becomes a worker.
 */
import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import type { ServerDeps } from '../server/listen.js';

export interface ClusterServeOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Adds routes or hooks to every worker's app before it listens; `deps` are the worker's engine and state. */
  readonly configureApp?: (app: FastifyInstance, deps: ServerDeps) => Promise<void> | void;
}

export async function serveCluster(options: ClusterServeOptions): Promise<void> {
  // Each role imports only its own code: the supervisor never loads Fastify or DuckDB, and a
  // worker never loads the supervisor (start-up time is time to first answer).
  if (cluster.isPrimary) {
    const { runSupervisor } = await import('./supervisor.js');
    await runSupervisor({ config: options.config, logger: options.logger });
    return;
  }
  const { runWorker } = await import('./worker.js');
  const workerId = cluster.worker?.id;
  await runWorker({
    config: options.config,
    logger: options.logger.child({ role: 'worker', worker: workerId }),
    ...(options.configureApp === undefined ? {} : { configureApp: options.configureApp }),
  });
}
