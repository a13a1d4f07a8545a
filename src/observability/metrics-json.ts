/**
 * The `/metrics?format=json` shape: counters and gauges as `name{labels}` → value, and each
 * histogram series as `name{labels}` → count, sum, min, max, avg — all numbers. A series
 * with no observation yet, or whose min and max nobody tracks, is left out rather than shown
 * with nulls (issue 9, defect 5). Pure: it reads the `getMetricsAsJSON()` output of the
 * (aggregated) registries.
 */
import type { Registry } from 'prom-client';

/** What `registry.getMetricsAsJSON()` resolves to. */
export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

export interface HistogramSummary {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly avg: number;
}

export interface MetricsJsonBody {
  readonly counters: Record<string, number>;
  readonly gauges: Record<string, number>;
  readonly histograms: Record<string, HistogramSummary>;
}

type Labels = Readonly<Record<string, string | number | undefined>>;

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `name{a="x",b="y"}` as in the text format (labels sorted), or `name` without labels. */
export function seriesKey(name: string, labels: Labels, omit: readonly string[] = []): string {
  const parts = Object.keys(labels)
    .filter((label) => !omit.includes(label) && labels[label] !== undefined)
    .sort()
    .map((label) => `${label}="${escapeLabelValue(String(labels[label]))}"`);
  return parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
}

function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
}

export function formatMetricsJson(metrics: MetricsJson, extremes: MetricsJson): MetricsJsonBody {
  const counters: Record<string, number> = {};
  const gauges: Record<string, number> = {};
  const histograms: Record<string, HistogramSummary> = {};

  const extremeValues = new Map<string, number>();
  for (const metric of extremes) {
    for (const value of metric.values)
      extremeValues.set(seriesKey(metric.name, value.labels), value.value);
  }

  for (const metric of metrics) {
    const type = String(metric.type);
    if (type === 'counter') {
      for (const value of metric.values)
        counters[seriesKey(metric.name, value.labels)] = round(value.value);
    } else if (type === 'gauge') {
      for (const value of metric.values)
        gauges[seriesKey(metric.name, value.labels)] = round(value.value);
    } else if (type === 'histogram') {
      const series = new Map<string, { labels: Labels; count: number; sum: number }>();
      for (const value of metric.values) {
        const metricName = (value as { metricName?: string }).metricName ?? '';
        if (!metricName.endsWith('_count') && !metricName.endsWith('_sum')) continue;
        const key = seriesKey(metric.name, value.labels, ['le']);
        const entry = series.get(key) ?? { labels: value.labels, count: 0, sum: 0 };
        if (metricName.endsWith('_count')) entry.count = value.value;
        else entry.sum = value.value;
        series.set(key, entry);
      }
      for (const [key, entry] of series) {
        const min = extremeValues.get(seriesKey(`${metric.name}_min`, entry.labels, ['le']));
        const max = extremeValues.get(seriesKey(`${metric.name}_max`, entry.labels, ['le']));
        if (entry.count <= 0 || min === undefined || max === undefined) continue;
        if (![entry.sum, min, max].every(Number.isFinite)) continue;
        histograms[key] = {
          count: entry.count,
          sum: round(entry.sum),
          min: round(min),
          max: round(max),
          avg: round(entry.sum / entry.count),
        };
      }
    }
  }
  return { counters, gauges, histograms };
}
