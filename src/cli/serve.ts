/**
 * `dashport serve`: the production server. One process that builds the cache in the
 * background and drains gracefully on SIGTERM/SIGINT.
 */
import { startServer } from '../server/listen.js';
import { createCliContext } from './context.js';
import { installShutdown } from './shutdown.js';

export async function serve(dataDir: string | undefined): Promise<void> {
  const { config, logger } = createCliContext(dataDir);
  const server = await startServer({ config, logger, buildCache: true });
  installShutdown({ config, logger, server });
}
