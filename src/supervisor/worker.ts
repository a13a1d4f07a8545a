/**
 * A worker process of `dashport serve`: the app over the shared port, answering as soon as it
 * listens (/livez at once; datasets as their cache entries are committed), reporting to the
 * supervisor, and draining without a failed request when told to stop.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { type AppDeps, buildApp } from '../server/app.js';
import { type ServerDeps, createServerDeps } from '../server/listen.js';
import type { Operations } from '../observability/operations.js';
import { flushSentry, initSentry } from '../server/plugins/sentry.js';
import { trackConnections } from './connection-drain.js';
import { createSupervisorLeaseSource } from './rate-limit-client.js';
import { detectServerResources } from './resources.js';
import { type SupervisorChannel, createWorkerRuntime, processChannel } from './worker-runtime.js';

/** Part of the graceful timeout kept for closing the app after the connections drained. */
const CLOSE_MARGIN_MS = 1_000;

export interface WorkerOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Adds routes or hooks before the app listens (test fixtures; extensions). */
  readonly configureApp?: (app: FastifyInstance, deps: ServerDeps) => Promise<void> | void;
  readonly channel?: SupervisorChannel;
}

export async function runWorker(options: WorkerOptions): Promise<void> {
  const { config, logger } = options;
  const channel = options.channel ?? processChannel();
  const runtime = createWorkerRuntime({
    version: config.version,
    timeoutSeconds: config.timeoutSeconds,
    logger,
    channel,
    maxRequests: config.maxRequests,
    maxRequestsJitter: config.maxRequestsJitter,
  });
  // The rate-limit counters of the whole server live in the supervisor (or Redis).
  const rateLimitServer = createSupervisorLeaseSource({ channel });
  // Workers take the supervisor's orders; a terminal's Ctrl-C or systemd's SIGTERM to the
  // whole group must not make each of them leave on its own, skipping the drain order.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => logger.debug({ signal }, 'signal ignored; the supervisor decides'));
  }
  await initSentry(config, 'worker');
  const resources = await detectServerResources(config);
  const base = await createServerDeps({
    config,
    logger,
    buildCache: false,
    processes: resources.sizing.count,
    operations: runtime.operations,
    rateLimitServer,
  });
  rateLimitServer.attach(base.shared.rateLimitCounters);
  runtime.attach({ catalog: base.catalog, state: base.state });
  const deps: AppDeps & { readonly operations: Operations } = {
    ...base,
    operations: runtime.operations,
  };
  const app = await buildApp(deps);
  await options.configureApp?.(app, base);
  const connections = trackConnections(app.server);

  await app.listen({ host: config.host, port: config.port });
  // Registered once listening: a stop ordered while starting is carried out from here.
  runtime.onStop(async (gracefulTimeoutMs) => {
    const started = performance.now();
    logger.info({ connections: connections.size }, 'draining');
    let code = 0;
    try {
      const { forced } = await connections.drain(Math.max(0, gracefulTimeoutMs - CLOSE_MARGIN_MS));
      if (forced > 0) logger.warn({ forced }, 'graceful timeout reached; connections cut');
      // Unused rate-limit tokens go back while the channel is still open.
      base.shared.rateLimitCounters.flush();
      await app.close();
      await base.close();
      await flushSentry();
    } catch (error) {
      code = 1;
      logger.error({ err: error }, 'worker stop failed');
    }
    logger.info({ seconds: Math.round(performance.now() - started) / 1000 }, 'worker stopped');
    runtime.close();
    process.exit(code);
  });

  runtime.ready();
}
