/**
 * Probes: /livez (the event loop answers; touches nothing), /readyz (warm and not draining),
 * /health (every check, with its latency) and /health/quick (the last status, cached).
 */
import { accessSync, constants } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Catalog } from '../../../engine/catalog.js';
import type { Config } from '../../../config/config.js';
import type { RuntimeState } from '../../runtime-state.js';

export interface HealthRoutesOptions {
  readonly config: Config;
  readonly catalog: Catalog;
  readonly state: RuntimeState;
}

/** /health/quick may serve a status this old. */
export const QUICK_HEALTH_TTL_MS = 5_000;

type Status = 'starting' | 'healthy' | 'degraded' | 'unhealthy';

function isReadableDir(dir: string): boolean {
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  const { config, catalog, state } = options;
  let last: { status: Status; timestamp: string; at: number } | undefined;

  function computeHealth() {
    const started = performance.now();
    const entries = catalog.list();
    const datasets = Object.fromEntries(
      entries.map((entry) => [
        entry.id,
        {
          exists: entry.manifest !== undefined,
          size_bytes: entry.manifest?.parquetBytes ?? 0,
          fresh: entry.state === 'ready' && !entry.stale,
          state: entry.state,
          ...(entry.failure ? { error: entry.failure.message } : {}),
        },
      ]),
    );
    const dataReadable = isReadableDir(config.dataDir);
    const warm = catalog.warm();
    const broken = entries.filter((e) => e.failure !== undefined);
    let status: Status = 'healthy';
    if (!dataReadable) status = 'unhealthy';
    else if (!warm && entries.some((e) => e.manifest === undefined && e.state !== 'broken')) status = 'starting';
    else if (!warm || broken.length > 0) status = 'degraded';
    const checks = {
      data: {
        status: dataReadable ? 'pass' : 'fail',
        data_dir: config.usingBundledExamples ? 'bundled examples' : config.dataDir,
        datasets: entries.length,
        failed: broken.map((e) => ({ id: e.id, error: e.failure?.message })),
        response_time_ms: Number((performance.now() - started).toFixed(3)),
      },
      cache: { status: warm ? 'pass' : 'warn', datasets, all_caches_warm: warm },
    };
    const passed = Object.values(checks).filter((c) => c.status === 'pass').length;
    return {
      status,
      ...(status === 'starting' ? { progress: Number(catalog.progress().toFixed(3)) } : {}),
      timestamp: new Date().toISOString(),
      version: config.version,
      service: 'dashport',
      environment: config.env,
      uptime_seconds: Math.round((Date.now() - state.startedAt) / 1000),
      checks,
      summary: { total_checks: Object.keys(checks).length, passed, failed: Object.keys(checks).length - passed },
    };
  }

  app.get('/livez', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    if (state.draining) return reply.code(503).send({ status: 'draining' });
    if (!catalog.warm()) return reply.code(503).send({ status: 'starting', progress: catalog.progress() });
    return { status: 'ready' };
  });

  app.get('/health', { schema: { hide: true } }, async (_request, reply) => {
    const health = computeHealth();
    last = { status: health.status, timestamp: health.timestamp, at: Date.now() };
    reply.header('Cache-Control', 'no-store');
    return reply.code(health.status === 'starting' || health.status === 'unhealthy' ? 503 : 200).send(health);
  });

  app.get('/health/quick', { schema: { hide: true } }, async (_request, reply) => {
    if (last === undefined || Date.now() - last.at > QUICK_HEALTH_TTL_MS) {
      const health = computeHealth();
      last = { status: health.status, timestamp: health.timestamp, at: Date.now() };
    }
    reply.header('Cache-Control', 'no-store');
    const code = last.status === 'starting' || last.status === 'unhealthy' ? 503 : 200;
    return reply.code(code).send({ status: last.status, timestamp: last.timestamp });
  });
}
