/**
 * `dashport dev`: one process with readable logs; watches the data dir and rebuilds the
 * cache of what changed, so edits show up without a restart.
 */
import { watch } from 'node:fs';
import { buildCache } from '../engine/cache-builder.js';
import { preflightDatasets } from '../engine/load-datasets.js';
import { startServer } from '../server/listen.js';
import { createCliContext } from './context.js';
import { installShutdown } from './shutdown.js';

/** Editors write files in bursts; rebuild once the burst settles. */
const REBUILD_DEBOUNCE_MS = 300;

export async function dev(dataDir: string | undefined): Promise<void> {
  const { config, logger } = createCliContext(dataDir, { logFormat: 'text' });
  await preflightDatasets(config.dataDir);
  const server = await startServer({ config, logger, buildCache: true });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = server.built;
  const rebuild = () => {
    running = running
      .then(async () => {
        await server.catalog.load();
        await buildCache(
          { dataDir: config.dataDir, cacheDir: config.cacheDir, version: config.version, logger },
          {
            onEvent: (event) =>
              void (event.status !== 'building' && server.catalog.refresh(event.id)),
          },
        );
        await server.catalog.refresh();
      })
      .catch((error: unknown) => logger.error({ err: error }, 'reload failed'));
  };
  const watcher = watch(config.dataDir, { recursive: true }, (_event, file) => {
    if (file === null || file.split('/').some((part) => part.startsWith('.'))) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      logger.info({ file }, 'data changed; rebuilding');
      rebuild();
    }, REBUILD_DEBOUNCE_MS);
  });
  installShutdown({ config, logger, server, onStop: async () => watcher.close() });
}
