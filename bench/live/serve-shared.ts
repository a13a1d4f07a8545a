/**
 * The benchmark's server: node:cluster workers sharing one port, each assembled as a worker of
 * `dashport serve` is with the shared state (Redis, PostgreSQL, live data) and its routes.
 * Run with `node --import tsx bench/live/serve-shared.ts DATA_DIR`; configured by the usual
 * environment (PORT, DASHPORT_CACHE_DIR, REDIS_URL, DATABASE_URL, DASHPORT_RATE_LIMIT, …) and
 * BENCH_WORKERS (default 2). Prints `listening <url>` once every worker listens.
 */
import cluster from 'node:cluster';
import pino from 'pino';
import { loadConfig } from '../../src/config/load.js';
import { buildCache } from '../../src/engine/cache-builder.js';
import { createSharedState, registerSharedStateRoutes } from '../../src/live/shared-state.js';
import { buildApp } from '../../src/server/app.js';
import { createServerDeps } from '../../src/server/listen.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
const config = loadConfig({ dataDir: process.argv[2] });
const workers = Number(process.env.BENCH_WORKERS ?? 2);

if (cluster.isPrimary) {
  await buildCache({ dataDir: config.dataDir, cacheDir: config.cacheDir, version: config.version, logger });
  let listening = 0;
  for (let i = 0; i < workers; i += 1) {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => {
      if (message === 'listening' && ++listening === workers) console.log(`listening http://127.0.0.1:${config.port}`);
    });
  }
  cluster.on('exit', () => process.exit(1));
  process.on('SIGTERM', () => {
    cluster.removeAllListeners('exit');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    process.exit(0);
  });
} else {
  const base = await createServerDeps({ config, logger, buildCache: false, processes: workers });
  const shared = await createSharedState({ config, logger, db: base.db, catalog: base.catalog, watchSources: false });
  await shared.catalog.refresh();
  await shared.start();
  const app = await buildApp({ ...base, catalog: shared.catalog, queries: shared.queries });
  await registerSharedStateRoutes(app, shared, config);
  await app.listen({ host: '127.0.0.1', port: config.port });
  process.send?.('listening');
  process.on('SIGTERM', () => process.exit(0));
}
