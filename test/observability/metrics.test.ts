import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MessageTarget,
  createPrimaryMetricsHub,
  createWorkerMetricsChannel,
} from '../../src/observability/cluster-metrics.js';
import type { MetricsJsonBody } from '../../src/observability/metrics-json.js';
import { createMetrics } from '../../src/observability/metrics.js';

const run = promisify(execFile);

/** Two workers and a primary wired through in-process message passing, as cluster IPC would. */
function createCluster() {
  const primaryMetrics = createMetrics({ role: 'primary', version: '9.9.9' });
  const workerMetrics = [
    createMetrics({ role: 'worker', version: '9.9.9' }),
    createMetrics({ role: 'worker', version: '9.9.9' }),
  ];
  const hubRef: { hub?: ReturnType<typeof createPrimaryMetricsHub> } = {};
  const workers = workerMetrics.map((metrics) => {
    const toWorker: MessageTarget = {
      send: (message) => setImmediate(() => channel.handleMessage(message)),
    };
    const toPrimary: MessageTarget = {
      send: (message) => setImmediate(() => hubRef.hub?.handleWorkerMessage(toWorker, message)),
    };
    const channel = createWorkerMetricsChannel({ metrics, primary: toPrimary });
    return { metrics, channel, toWorker };
  });
  hubRef.hub = createPrimaryMetricsHub({
    metrics: primaryMetrics,
    workers: () => workers.map((w) => w.toWorker),
  });
  return { primaryMetrics, workers };
}

let promtool: string | undefined;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dashport-metrics-'));
  promtool = (await run('sh', ['-c', 'command -v promtool || true'])).stdout.trim() || undefined;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cluster metrics', () => {
  it('aggregates every worker and the supervisor into one scrape', async () => {
    const { primaryMetrics, workers } = createCluster();
    const [first, second] = workers;
    if (!first || !second) throw new Error('two workers expected');
    const labels = { method: 'GET', route: '/api/v1/datasets', status_code: '200' };
    first.metrics.httpRequestDuration.observe(labels, 0.002);
    first.metrics.httpRequestDuration.observe(labels, 0.004);
    second.metrics.httpRequestDuration.observe(labels, 0.001);
    first.metrics.cacheHits.inc({ layer: 'memory' }, 2);
    second.metrics.cacheHits.inc({ layer: 'memory' }, 3);
    second.metrics.circuitBreakerState.set({ breaker: 'redis' }, 2);
    first.metrics.circuitBreakerState.set({ breaker: 'redis' }, 0);
    primaryMetrics.workerRestarts.inc({ reason: 'crash' });
    primaryMetrics.workersAlive.set(2);

    // Any worker can answer the scrape: it goes through the supervisor.
    const text = await second.channel.collect('prometheus');
    expect(text.contentType).toContain('text/plain');
    expect(text.body).toContain(
      'dashport_http_request_duration_seconds_count{method="GET",route="/api/v1/datasets",status_code="200"} 3',
    );
    expect(text.body).toContain('dashport_cache_hits_total{layer="memory"} 5');
    expect(text.body).toContain('dashport_circuit_breaker_state{breaker="redis"} 2');
    expect(text.body).toContain('dashport_worker_restarts_total{reason="crash"} 1');
    expect(text.body).toContain('dashport_workers_alive 2');
    expect(text.body).toMatch(/nodejs_eventloop_lag_seconds \d/);
    expect(text.body).toMatch(/process_resident_memory_bytes \d/);

    const json = JSON.parse((await first.channel.collect('json')).body) as MetricsJsonBody;
    const series =
      json.histograms[
        'dashport_http_request_duration_seconds{method="GET",route="/api/v1/datasets",status_code="200"}'
      ];
    expect(series).toBeDefined();
    expect(series?.count).toBe(3);
    expect(series?.min).toBeCloseTo(0.001);
    expect(series?.max).toBeCloseTo(0.004);
    expect(series?.avg).toBeCloseTo(0.007 / 3);
    expect(json.counters['dashport_cache_hits_total{layer="memory"}']).toBe(5);
    expect(json.gauges['dashport_workers_alive']).toBe(2);
  });

  it('reports numeric count, sum, min, max and avg for every histogram, GC durations too', async () => {
    // Issue 9, defect 5: nodejs_gc_duration_seconds had `min: null, max: null`.
    const { workers } = createCluster();
    workers[0]?.metrics.queryDuration.observe({ dataset: 'trends' }, 0.01);
    // Enough short-lived garbage for several minor collections in every process.
    let kept = 0;
    for (let i = 0; i < 200_000; i += 1) kept += new Array(64).fill(i).length;
    expect(kept).toBeGreaterThan(0);
    // GC entries reach performance observers asynchronously.
    await new Promise((resolve) => setTimeout(resolve, 100));

    const json = JSON.parse((await workers[1]!.channel.collect('json')).body) as MetricsJsonBody;
    const entries = Object.entries(json.histograms);
    expect(entries.length).toBeGreaterThan(0);
    for (const [key, summary] of entries) {
      for (const field of ['count', 'sum', 'min', 'max', 'avg'] as const)
        expect(Number.isFinite(summary[field]), `${key}.${field}`).toBe(true);
      expect(summary.count, key).toBeGreaterThan(0);
      expect(summary.min, key).toBeLessThanOrEqual(summary.avg + 1e-12);
      expect(summary.avg, key).toBeLessThanOrEqual(summary.max + 1e-12);
    }
    const gc = json.histograms['nodejs_gc_duration_seconds{kind="minor"}'];
    expect(gc).toBeDefined();
    expect(gc?.min).toBeGreaterThan(0);
  });

  it('passes promtool check metrics', async () => {
    if (promtool === undefined) {
      throw new Error(
        'promtool is missing: install the Debian package "prometheus" (scripts/ensure-test-deps.sh does)',
      );
    }
    const { primaryMetrics, workers } = createCluster();
    workers[0]?.metrics.httpRequestDuration.observe(
      { method: 'GET', route: '/health', status_code: '200' },
      0.001,
    );
    workers[0]?.metrics.queryDuration.observe({ dataset: 'trends' }, 0.01);
    workers[1]?.metrics.rateLimited.inc({ route: '/api/v1/datasets' });
    primaryMetrics.cacheBuildSeconds.observe({ dataset: 'trends', status: 'built' }, 1.5);
    const text = await workers[0]!.channel.collect('prometheus');
    const file = path.join(dir, 'metrics.txt');
    await writeFile(file, text.body);
    const result = await run('sh', ['-c', `promtool check metrics < "${file}"`]).then(
      (ok) => ({ code: 0, output: ok.stdout + ok.stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        output: error.stdout + error.stderr,
      }),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('falls back to the worker’s own numbers when the supervisor does not answer', async () => {
    const metrics = createMetrics({ role: 'worker', version: '1.0.0', defaultMetrics: false });
    metrics.cacheMisses.inc({ layer: 'redis' });
    const channel = createWorkerMetricsChannel({
      metrics,
      primary: { send: () => true },
      timeoutMs: 50,
    });
    const text = await channel.collect('prometheus');
    expect(text.body).toContain('dashport_cache_misses_total{layer="redis"} 1');
  });
});
