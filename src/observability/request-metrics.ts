/**
 * The request families — `dashport_http_request_duration_seconds` (histogram) and
 * `dashport_http_requests_total` (counter), by method, route pattern and status code — with
 * their min/max companions for `?format=json`, all kept in one entry per label set. prom-client's
 * own Histogram and Counter hash their label object on every observation (sorting its keys into
 * a string), which made metrics the costliest part of a /health/quick request (issue 9, the hot
 * path); here a request is three map lookups, a bucket search and a few additions. The families
 * are registered as metric objects with `get()`, the duck type prom-client's Registry (and its
 * cluster aggregation) reads, so the text and JSON views are exactly those of prom-client's.
 */
import type { Registry } from 'prom-client';

export type RequestLabel = 'method' | 'route' | 'status_code';
export type RequestLabels = Readonly<Record<RequestLabel, string>>;

export interface RequestMetrics {
  readonly name: string;
  /** Records one answered request; `route` is the route pattern (or the unmatched label). */
  record(method: string, route: string, statusCode: number, seconds: number): void;
  /** The same through a label object, as prom-client's `observe`. */
  observe(labels: RequestLabels, seconds: number): void;
}

export interface RequestMetricsOptions {
  readonly durationName: string;
  readonly durationHelp: string;
  readonly totalName: string;
  readonly totalHelp: string;
  readonly buckets: readonly number[];
  readonly registry: Registry;
  /** Holds `<durationName>_min` / `_max`; not exposed in the text format. */
  readonly extremes: Registry;
}

interface Entry {
  readonly labels: RequestLabels;
  /** Observations per bucket, not cumulative; the last slot is +Inf. */
  readonly buckets: Float64Array;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** One sample as prom-client's `get()` gives it. */
interface Sample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName?: string;
}
type Values = Sample[];

/** A family as prom-client's Registry and AggregatorRegistry read it. */
function family(
  name: string,
  help: string,
  type: 'histogram' | 'counter' | 'gauge',
  aggregator: 'sum' | 'min' | 'max',
  values: () => Values,
  reset: () => void,
) {
  return {
    name,
    help,
    type,
    aggregator,
    get: async () => ({ name, help, type, aggregator, values: values() }),
    reset,
  };
}

export function createRequestMetrics(options: RequestMetricsOptions): RequestMetrics {
  const bounds = [...options.buckets];
  const byRoute = new Map<string, Map<string, Map<number, Entry>>>();
  const entries: Entry[] = [];

  function entryFor(method: string, route: string, statusCode: number): Entry {
    let byMethod = byRoute.get(route);
    if (byMethod === undefined) byRoute.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    let entry = byStatus.get(statusCode);
    if (entry === undefined) {
      entry = {
        labels: { method, route, status_code: String(statusCode) },
        buckets: new Float64Array(bounds.length + 1),
        count: 0,
        sum: 0,
        min: Infinity,
        max: -Infinity,
      };
      byStatus.set(statusCode, entry);
      entries.push(entry);
    }
    return entry;
  }

  function record(method: string, route: string, statusCode: number, seconds: number): void {
    const entry = entryFor(method, route, statusCode);
    let slot = 0;
    while (slot < bounds.length && seconds > (bounds[slot] ?? Infinity)) slot += 1;
    entry.buckets[slot] = (entry.buckets[slot] ?? 0) + 1;
    entry.count += 1;
    entry.sum += seconds;
    if (seconds < entry.min) entry.min = seconds;
    if (seconds > entry.max) entry.max = seconds;
  }

  const reset = (): void => {
    byRoute.clear();
    entries.length = 0;
  };
  const { durationName: name } = options;

  options.registry.registerMetric(
    family(
      name,
      options.durationHelp,
      'histogram',
      'sum',
      () => {
        const values: Values = [];
        for (const entry of entries) {
          let cumulative = 0;
          for (let slot = 0; slot < bounds.length; slot += 1) {
            cumulative += entry.buckets[slot] ?? 0;
            values.push({
              labels: { le: bounds[slot] ?? 0, ...entry.labels },
              value: cumulative,
              metricName: `${name}_bucket`,
            });
          }
          values.push(
            {
              labels: { le: '+Inf', ...entry.labels },
              value: entry.count,
              metricName: `${name}_bucket`,
            },
            { labels: entry.labels, value: entry.sum, metricName: `${name}_sum` },
            { labels: entry.labels, value: entry.count, metricName: `${name}_count` },
          );
        }
        return values;
      },
      reset,
    ) as never,
  );
  options.registry.registerMetric(
    family(
      options.totalName,
      options.totalHelp,
      'counter',
      'sum',
      () => entries.map((entry) => ({ labels: entry.labels, value: entry.count })),
      reset,
    ) as never,
  );
  for (const [suffix, aggregator] of [
    ['min', 'min'],
    ['max', 'max'],
  ] as const) {
    options.extremes.registerMetric(
      family(
        `${name}_${suffix}`,
        `${suffix === 'min' ? 'Smallest' : 'Largest'} observation of ${name}.`,
        'gauge',
        aggregator,
        () => entries.map((entry) => ({ labels: entry.labels, value: entry[suffix] })),
        reset,
      ) as never,
    );
  }

  return {
    name,
    record,
    observe: (labels, seconds) =>
      record(labels.method, labels.route, Number(labels.status_code), seconds),
  };
}
