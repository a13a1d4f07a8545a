import { describe, expect, it } from 'vitest';
import {
  type DatasetFacts,
  type HealthInputs,
  buildHealthReport,
  httpStatusOf,
} from './health-report.js';

const ready: DatasetFacts = {
  id: 'trends',
  state: 'ready',
  built: true,
  sizeBytes: 1000,
  stale: false,
  kind: 'csv',
};

function inputs(overrides: Partial<HealthInputs> = {}): HealthInputs {
  return {
    config: {
      version: '1.2.3',
      env: 'production',
      isProduction: true,
      dataDir: '/data',
      usingBundledExamples: false,
      databaseUrl: undefined,
      redisUrl: undefined,
    },
    timestamp: '2026-01-01T00:00:00.000Z',
    uptimeSeconds: 42,
    data: { latencyMs: 0.5, value: true },
    datasets: [ready],
    cacheLatencyMs: 0.1,
    building: false,
    progress: 1,
    memory: { rssBytes: 100, limitBytes: 1000, percent: 10, level: 'ok' },
    workers: { alive: 2, expected: 2 },
    security: { cspEnabled: true, hstsEnabled: true },
    ...overrides,
  };
}

describe('buildHealthReport', () => {
  it('is healthy with every check passing, and omits unconfigured dependencies', () => {
    const report = buildHealthReport(inputs());
    expect(report.status).toBe('healthy');
    expect(httpStatusOf(report.status)).toBe(200);
    expect(Object.keys(report.checks).sort()).toEqual([
      'cache',
      'data',
      'memory',
      'security',
      'workers',
    ]);
    expect(report.summary).toEqual({ total_checks: 5, passed: 5, failed: 0 });
    expect(report.checks.cache).toMatchObject({
      all_caches_warm: true,
      datasets: { trends: { exists: true, size_bytes: 1000, fresh: true } },
    });
    expect(report.checks.memory).toMatchObject({
      memory_usage_percent: 10,
      rss_bytes: 100,
      limit_bytes: 1000,
    });
    expect(report).toMatchObject({
      service: 'dashport',
      version: '1.2.3',
      environment: 'production',
      uptime_seconds: 42,
    });
    expect(report.progress).toBeUndefined();
    for (const check of Object.values(report.checks))
      expect(check).toHaveProperty('response_time_ms');
  });

  it('is starting with progress while the first build runs', () => {
    const report = buildHealthReport(
      inputs({
        building: true,
        progress: 0.4567,
        datasets: [ready, { ...ready, id: 'spots', state: 'pending', built: false, sizeBytes: 0 }],
      }),
    );
    expect(report.status).toBe('starting');
    expect(report.progress).toBe(0.457);
    expect(httpStatusOf(report.status)).toBe(503);
  });

  it('is degraded, not starting, when caches are cold after the build', () => {
    const report = buildHealthReport(inputs({ datasets: [{ ...ready, stale: true }] }));
    expect(report.status).toBe('degraded');
    expect(report.checks.cache?.status).toBe('degraded');
  });

  it('is unhealthy when the data dir is unreadable', () => {
    const report = buildHealthReport(
      inputs({ data: { latencyMs: 1, error: 'ENOENT: no such file' } }),
    );
    expect(report.status).toBe('unhealthy');
    expect(report.checks.data).toMatchObject({
      status: 'unhealthy',
      readable: false,
      error: 'ENOENT: no such file',
    });
    expect(report.summary.failed).toBe(1);
  });

  it('is unhealthy when the database is down and datasets live in it, degraded otherwise', () => {
    const config = { ...inputs().config, databaseUrl: 'postgres://u:p@h/db' };
    const pg: DatasetFacts = { ...ready, id: 'pg.orders', kind: 'postgres' };
    const down = { latencyMs: 2000, error: 'no answer within 2000 ms' };
    expect(
      buildHealthReport(inputs({ config, datasets: [ready, pg], database: down })).status,
    ).toBe('unhealthy');
    expect(buildHealthReport(inputs({ config, datasets: [ready], database: down })).status).toBe(
      'degraded',
    );
    const up = buildHealthReport(
      inputs({ config, datasets: [pg], database: { latencyMs: 3, value: true } }),
    );
    expect(up.checks.database).toMatchObject({ status: 'healthy', response_time_ms: 3 });
  });

  it('is degraded while the Redis breaker is open', () => {
    const config = { ...inputs().config, redisUrl: 'redis://127.0.0.1:6379' };
    const report = buildHealthReport(
      inputs({
        config,
        redis: { latencyMs: 0.2, value: { status: 'degraded', circuit_breaker_state: 'open' } },
      }),
    );
    expect(report.status).toBe('degraded');
    expect(report.checks.redis).toMatchObject({
      status: 'degraded',
      circuit_breaker_state: 'open',
    });
  });

  it('is degraded past the memory warning threshold, with a missing worker, or a broken dataset', () => {
    expect(
      buildHealthReport(
        inputs({ memory: { rssBytes: 80, limitBytes: 100, percent: 80, level: 'warning' } }),
      ).status,
    ).toBe('degraded');
    expect(buildHealthReport(inputs({ workers: { alive: 1, expected: 2 } })).status).toBe(
      'degraded',
    );
    const broken = buildHealthReport(
      inputs({
        datasets: [
          ready,
          {
            ...ready,
            id: 'bad',
            state: 'broken',
            built: false,
            failure: { message: 'bad quote', file: 'bad.csv', line: 3 },
          },
        ],
      }),
    );
    expect(broken.status).toBe('degraded');
    expect(broken.checks.data).toMatchObject({
      failed: [{ id: 'bad', error: 'bad quote', file: 'bad.csv', line: 3 }],
    });
  });

  it('is degraded in production without HSTS', () => {
    const report = buildHealthReport(
      inputs({ security: { cspEnabled: true, hstsEnabled: false } }),
    );
    expect(report.checks.security).toMatchObject({
      status: 'degraded',
      csp_enabled: true,
      hsts_enabled: false,
    });
  });
});
