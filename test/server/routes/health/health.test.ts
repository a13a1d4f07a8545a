import { execFile } from 'node:child_process';
import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/logger.js';
import {
  type Operations,
  createSingleProcessOperations,
} from '../../../../src/observability/operations.js';
import errorHandler from '../../../../src/server/plugins/error-handler.js';
import { createServerDeps } from '../../../../src/server/listen.js';
import { healthRoutes } from '../../../../src/server/routes/health/index.js';
import { QUICK_HEALTH_TTL_MS, createQuickHealth } from '../../../../src/server/quick-health.js';
import { REPO_ROOT } from '../../../supervisor/cluster-harness.js';
import { type TempDir, createTempDir } from '../../../helpers/temp-dir.js';
import { buildTestCache, testConfig } from '../../../helpers/test-app.js';

const run = promisify(execFile);

interface Harness {
  readonly app: FastifyInstance;
  readonly operations: Operations;
  readonly deps: Awaited<ReturnType<typeof createServerDeps>>;
  close(): Promise<void>;
}

async function createHarness(
  tmp: TempDir,
  options: { build: boolean; env?: Record<string, string>; probes?: Operations['probes'] },
): Promise<Harness> {
  const dataDir = tmp.join('data');
  const cacheDir = tmp.join(options.build ? 'cache' : 'cold-cache');
  const config = testConfig(dataDir, cacheDir, { NODE_ENV: 'production', ...options.env });
  if (options.build) await buildTestCache(dataDir, cacheDir);
  const deps = await createServerDeps({
    config,
    logger: createLogger(config),
    buildCache: false,
    watchSources: false,
  });
  const operations = createSingleProcessOperations({
    version: config.version,
    memoryLimit: { bytes: 64 * 1024 ** 3, source: 'total-ram' },
    thresholds: {
      warnPercent: config.memoryWarnPercent,
      criticalPercent: config.memoryCriticalPercent,
    },
    probes: options.probes ?? {},
  });
  operations.security.cspEnabled = true;
  operations.security.hstsEnabled = true;
  const app = Fastify();
  await app.register(errorHandler, { production: true });
  await app.register(healthRoutes, {
    config,
    catalog: deps.catalog,
    state: deps.state,
    operations,
    quick: createQuickHealth(),
  });
  await app.ready();
  return {
    app,
    operations,
    deps,
    async close() {
      await app.close();
      await deps.close();
    },
  };
}

describe('operations endpoints', () => {
  let tmp: TempDir;
  let warm: Harness;

  beforeAll(async () => {
    tmp = await createTempDir('health');
    await mkdir(tmp.join('data'));
    await copyFile(
      path.join(REPO_ROOT, 'examples', 'data', 'notes.csv'),
      tmp.join('data', 'notes.csv'),
    );
    warm = await createHarness(tmp, { build: true });
  });

  afterAll(async () => {
    await warm?.close();
    await tmp?.remove();
  });

  it('GET /livez answers at once without touching anything', async () => {
    const response = await warm.app.inject('/livez');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 when warm and 503 while draining', async () => {
    expect((await warm.app.inject('/readyz')).json()).toEqual({ status: 'ready' });
    warm.deps.state.draining = true;
    const draining = await warm.app.inject('/readyz');
    expect(draining.statusCode).toBe(503);
    expect(draining.json()).toEqual({ status: 'draining' });
    warm.deps.state.draining = false;
  });

  it('GET /health reports every check with its latency and a summary', async () => {
    const response = await warm.app.inject('/health');
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      status: string;
      timestamp: string;
      checks: Record<
        string,
        {
          status: string;
          response_time_ms: number;
          datasets?: Record<string, { size_bytes: number }>;
        }
      >;
      summary: { total_checks: number; passed: number; failed: number };
    }>();
    expect(body).toMatchObject({
      status: 'healthy',
      service: 'dashport',
      version: '0.0.0-test',
      environment: 'production',
      checks: {
        data: { status: 'healthy', readable: true, datasets: 1 },
        cache: {
          status: 'healthy',
          all_caches_warm: true,
          datasets: { notes: { exists: true, fresh: true } },
        },
        memory: { status: 'healthy', limit_bytes: 64 * 1024 ** 3 },
        workers: { status: 'healthy', alive: 1, expected: 1 },
        security: { status: 'healthy', csp_enabled: true, hsts_enabled: true },
      },
      summary: { total_checks: 5, passed: 5, failed: 0 },
    });
    expect(typeof body.timestamp).toBe('string');
    expect(body.checks.cache?.datasets?.notes?.size_bytes).toBeGreaterThan(0);
    for (const check of Object.values(body.checks))
      expect(typeof check.response_time_ms).toBe('number');
    expect(body.checks.database).toBeUndefined();
    expect(body.checks.redis).toBeUndefined();
  });

  it('GET /metrics passes promtool, and ?format=json has counters and histograms', async () => {
    warm.operations.metrics.httpRequestDuration.observe(
      { method: 'GET', route: '/health', status_code: '200' },
      0.003,
    );
    const response = await warm.app.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain; version=0.0.4');
    const file = tmp.join('metrics.txt');
    await writeFile(file, response.body);
    const check = await run('sh', ['-c', `promtool check metrics < "${file}"`]).then(
      (ok) => ok.stdout + ok.stderr,
      (error: { stdout: string; stderr: string }) => `FAILED ${error.stdout}${error.stderr}`,
    );
    expect(check).toBe('');
    const json = (await warm.app.inject('/metrics?format=json')).json<{
      counters: Record<string, number>;
      histograms: Record<
        string,
        { count: number; sum: number; min: number; max: number; avg: number }
      >;
    }>();
    expect(
      json.histograms[
        'dashport_http_request_duration_seconds{method="GET",route="/health",status_code="200"}'
      ],
    ).toEqual({
      count: 1,
      sum: 0.003,
      min: 0.003,
      max: 0.003,
      avg: 0.003,
    });
    expect(json.counters.process_cpu_seconds_total).toBeGreaterThan(0);
    const bad = await warm.app.inject('/metrics?format=xml');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ parameter: 'format' });
  });

  it('is starting with progress while the first build runs, and /health/quick caches the status', async () => {
    const cold = await createHarness(tmp, { build: false });
    try {
      cold.deps.state.building = true;
      cold.deps.state.buildProgress = 0.25;
      const health = await cold.app.inject('/health');
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ status: 'starting', progress: 0.25 });
      const readyz = await cold.app.inject('/readyz');
      expect(readyz.statusCode).toBe(503);
      expect(readyz.json()).toMatchObject({ status: 'starting' });

      const quick = await cold.app.inject('/health/quick');
      expect(quick.statusCode).toBe(503);
      const first = quick.json<{ status: string; timestamp: string }>();
      expect(first.status).toBe('starting');
      expect(Object.keys(first).sort()).toEqual(['status', 'timestamp']);

      // The build stopped without building anything: no longer starting, but quick still says
      // so for up to QUICK_HEALTH_TTL_MS; a full /health refreshes it.
      cold.deps.state.building = false;
      const cached = await cold.app.inject('/health/quick');
      expect(cached.json()).toEqual(first);
      expect(QUICK_HEALTH_TTL_MS).toBeLessThanOrEqual(5_000);
      const full = await cold.app.inject('/health');
      expect(full.statusCode).toBe(200);
      expect(full.json()).toMatchObject({
        status: 'degraded',
        checks: { cache: { all_caches_warm: false } },
      });
      expect((await cold.app.inject('/health/quick')).json()).toMatchObject({ status: 'degraded' });
    } finally {
      await cold.close();
    }
  });

  it('is unhealthy and not ready when the data dir disappears', async () => {
    await rename(tmp.join('data'), tmp.join('moved'));
    try {
      const response = await warm.app.inject('/health');
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        status: 'unhealthy',
        checks: { data: { status: 'unhealthy', readable: false } },
      });
      const readyz = await warm.app.inject('/readyz');
      expect(readyz.statusCode).toBe(503);
      expect(readyz.json()).toMatchObject({ status: 'unavailable' });
    } finally {
      await rename(tmp.join('moved'), tmp.join('data'));
    }
  });

  it('reports configured dependencies with their latency and never their secrets', async () => {
    const harness = await createHarness(tmp, {
      build: true,
      env: {
        DATABASE_URL: 'postgres://app:s3cret@db.internal:5432/app',
        REDIS_URL: 'redis://:r3dis@cache:6379/0',
      },
      probes: {
        database: async () => {
          throw new Error('connect ECONNREFUSED for postgres://app:s3cret@db.internal:5432/app');
        },
        redis: async () => ({ status: 'degraded', circuit_breaker_state: 'open', trips: 1 }),
      },
    });
    try {
      const response = await harness.app.inject('/health');
      const body = response.json<{
        status: string;
        checks: Record<string, Record<string, unknown>>;
      }>();
      // No dataset lives in PostgreSQL here, so a database outage degrades rather than kills.
      expect(body.status).toBe('degraded');
      expect(body.checks.database).toMatchObject({ status: 'degraded', datasets: 0 });
      expect(body.checks.database?.error).toContain('postgres://app:***@db.internal');
      expect(body.checks.redis).toMatchObject({
        status: 'degraded',
        circuit_breaker_state: 'open',
      });
      expect(typeof body.checks.redis?.response_time_ms).toBe('number');
      expect(response.body).not.toContain('s3cret');
      expect(response.body).not.toContain('r3dis');
    } finally {
      await harness.close();
    }
  });
});
