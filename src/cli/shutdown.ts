/**
 * Graceful stop of a serving process: readiness fails at once, new connections are still
 * accepted for DASHPORT_SHUTDOWN_DELAY (so a load balancer notices first), then the server
 * stops accepting, lets in-flight requests finish and exits 0 — or 1 if the drain outlives
 * DASHPORT_GRACEFUL_TIMEOUT.
 */
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import type { RunningServer } from '../server/listen.js';

export interface ShutdownOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly server: Pick<RunningServer, 'app' | 'state' | 'deps'>;
  readonly onStop?: () => Promise<void>;
}

export function installShutdown(options: ShutdownOptions): void {
  const { config, logger, server } = options;
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    server.state.draining = true;
    server.deps.operations.startDrain();
    logger.info(
      { signal, delaySeconds: config.shutdownDelaySeconds },
      'shutting down: readiness now fails',
    );
    const deadline = setTimeout(
      () => {
        logger.error(
          { gracefulTimeoutSeconds: config.gracefulTimeoutSeconds },
          'drain took too long; exiting',
        );
        process.exit(1);
      },
      (config.shutdownDelaySeconds + config.gracefulTimeoutSeconds) * 1000,
    );
    deadline.unref();
    await new Promise((resolve) => setTimeout(resolve, config.shutdownDelaySeconds * 1000));
    await server.app.close();
    await options.onStop?.();
    await server.deps.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
