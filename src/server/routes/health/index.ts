/**
 * The operations endpoints (SPEC §5): /livez (the event loop answers; touches nothing),
 * /readyz (warm, not draining, the database reachable when datasets live in it), /health
 * (every check with its latency and the status rules), /health/quick (the last status, at most
 * QUICK_HEALTH_TTL_MS old) and /metrics. No rate limit and no auth: probes must always get in.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Catalog } from '../../../engine/catalog.js';
import type { Config } from '../../../config/config.js';
import type { Operations } from '../../../observability/operations.js';
import type { QuickHealth } from '../../quick-health.js';
import type { RuntimeState } from '../../runtime-state.js';
import { metricsRoutes } from '../operations/metrics.js';
import { type HealthSources, checkDataDir, gatherHealth, timed } from './gather-health.js';
import { type HealthReport, buildHealthReport, httpStatusOf } from './health-report.js';

export interface HealthRoutesOptions {
  readonly config: Config;
  readonly catalog: Catalog;
  readonly state: RuntimeState;
  /** Metrics, the server view and dependency probes. */
  readonly operations: Operations;
  /** The status /health/quick serves, shared with the probe lane. */
  readonly quick: QuickHealth;
  /** Datasets served outside the cache that failed (SQL datasets over PostgreSQL). */
  readonly otherFailures?: HealthSources['otherFailures'];
}

const JSON_TYPE = 'application/json; charset=utf-8';
const LIVE_BODY = JSON.stringify({ status: 'ok' });

export async function healthRoutes(
  app: FastifyInstance,
  options: HealthRoutesOptions,
): Promise<void> {
  const { config, catalog, state } = options;
  const { operations } = options;
  const sources: HealthSources = {
    config,
    catalog,
    state,
    operations,
    ...(options.otherFailures === undefined ? {} : { otherFailures: options.otherFailures }),
  };

  const { quick } = options;

  async function fullReport(): Promise<HealthReport> {
    const report = buildHealthReport(await gatherHealth(sources));
    quick.remember(report, httpStatusOf(report.status));
    return report;
  }

  const noStore = (reply: FastifyReply): FastifyReply =>
    reply.header('cache-control', 'no-store').type(JSON_TYPE);

  // The probes' answers are not cacheable anyway (no validator, no freshness); they skip the
  // Cache-Control header to keep the hottest responses small.
  app.get('/livez', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(JSON_TYPE).send(LIVE_BODY),
  );

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    noStore(reply);
    if (state.draining) return reply.code(503).send({ status: 'draining' });
    // No data dir (an unmounted volume): nothing to serve, so not ready either.
    const data = await timed(() => checkDataDir(config.dataDir));
    if (data.error !== undefined) {
      return reply.code(503).send({ status: 'unavailable', reason: `data dir: ${data.error}` });
    }
    if (!catalog.warm()) {
      const progress = Math.max(state.buildProgress, catalog.progress());
      return reply
        .code(503)
        .send({ status: 'starting', progress: Math.round(progress * 1000) / 1000 });
    }
    const { database } = operations.probes;
    // PostgreSQL datasets are not in the file catalog: a configured database holds datasets.
    if (config.databaseUrl !== undefined && database !== undefined) {
      const result = await timed(database);
      if (result.error !== undefined) {
        return reply.code(503).send({ status: 'unavailable', reason: `database: ${result.error}` });
      }
    }
    return reply.send({ status: 'ready' });
  });

  app.get('/health', { schema: { hide: true } }, async (_request, reply) => {
    const report = await fullReport();
    return noStore(reply).code(httpStatusOf(report.status)).send(report);
  });

  app.get('/health/quick', { schema: { hide: true } }, async (_request, reply) => {
    const current = await quick.current(fullReport);
    return reply.code(current.code).type(JSON_TYPE).send(current.body);
  });

  await app.register(metricsRoutes, { operations });
}
