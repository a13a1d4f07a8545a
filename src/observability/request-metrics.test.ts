import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createRequestMetrics } from './request-metrics.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVATIONS = [
  ['GET', '/health/quick', 200, 0.0004],
  ['GET', '/health/quick', 200, 0.001],
  ['GET', '/health/quick', 200, 0.05],
  ['GET', '/api/v1/datasets/:id', 404, 0.02],
  ['POST', '/api/v1/datasets/:id/rows', 201, 3],
  ['GET', '/api/v1/datasets/:id', 200, 0.2],
] as const;

describe('createRequestMetrics', () => {
  it('exposes exactly what prom-client’s Histogram and Counter would', async () => {
    const reference = new Registry();
    const histogram = new Histogram({
      name: 'req_seconds',
      help: 'd',
      labelNames: ['method', 'route', 'status_code'],
      buckets: BUCKETS,
      registers: [reference],
    });
    const counter = new Counter({
      name: 'req_total',
      help: 't',
      labelNames: ['method', 'route', 'status_code'],
      registers: [reference],
    });
    const registry = new Registry();
    const extremes = new Registry();
    const fast = createRequestMetrics({
      durationName: 'req_seconds',
      durationHelp: 'd',
      totalName: 'req_total',
      totalHelp: 't',
      buckets: BUCKETS,
      registry,
      extremes,
    });
    for (const [method, route, status, seconds] of OBSERVATIONS) {
      const labels = { method, route, status_code: String(status) };
      histogram.observe(labels, seconds);
      counter.inc(labels);
      fast.record(method, route, status, seconds);
    }
    const sorted = (text: string) => text.split('\n').sort().join('\n');
    expect(sorted(await registry.metrics())).toBe(sorted(await reference.metrics()));

    const json = await extremes.getMetricsAsJSON();
    const min = json.find((metric) => metric.name === 'req_seconds_min');
    const max = json.find((metric) => metric.name === 'req_seconds_max');
    const quick = { method: 'GET', route: '/health/quick', status_code: '200' };
    expect(min?.values.find((v) => v.labels['route'] === quick.route)?.value).toBe(0.0004);
    expect(max?.values.find((v) => v.labels['route'] === quick.route)?.value).toBe(0.05);
  });
});
