/**
 * Turns metric snapshots — one per process, taken with `snapshotMetrics` — into the body of
 * `/metrics`: prom-client's cluster aggregation (counters and histograms summed, gauges by
 * their declared aggregator) then the Prometheus text format or the JSON shape.
 */
import { AggregatorRegistry, Registry } from 'prom-client';
import type { DashportMetrics } from './metrics.js';
import { type MetricsJson, formatMetricsJson } from './metrics-json.js';

/** One process's metrics as plain data, so they can cross the cluster IPC channel. */
export interface MetricsSnapshot {
  readonly metrics: MetricsJson;
  readonly extremes: MetricsJson;
}

export type MetricsFormat = 'prometheus' | 'json';

export interface RenderedMetrics {
  readonly contentType: string;
  readonly body: string;
}

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export async function snapshotMetrics(metrics: DashportMetrics): Promise<MetricsSnapshot> {
  const [main, extremes] = await Promise.all([
    metrics.registry.getMetricsAsJSON(),
    metrics.extremes.getMetricsAsJSON(),
  ]);
  return { metrics: main, extremes };
}

function aggregate(parts: readonly MetricsJson[]): Registry {
  // aggregate() takes the aggregator of the first process that reports a family, so every
  // process must declare a family the same way — they do, all come from createMetrics.
  return AggregatorRegistry.aggregate(parts as MetricsJson[]);
}

/** The text or JSON body of a scrape over the given processes' snapshots. */
export async function renderMetrics(
  snapshots: readonly MetricsSnapshot[],
  format: MetricsFormat,
): Promise<RenderedMetrics> {
  const registry = aggregate(snapshots.map((s) => s.metrics));
  if (format === 'prometheus') {
    return { contentType: PROMETHEUS_CONTENT_TYPE, body: await registry.metrics() };
  }
  const extremes = aggregate(snapshots.map((s) => s.extremes));
  const body = formatMetricsJson(
    await registry.getMetricsAsJSON(),
    await extremes.getMetricsAsJSON(),
  );
  return { contentType: JSON_CONTENT_TYPE, body: JSON.stringify(body) };
}
