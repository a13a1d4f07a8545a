/**
 * A prom-client histogram that also remembers the smallest and largest observation per label
 * set. Prometheus histograms keep only bucket counts, but `/metrics?format=json` reports min and
 * max; they live as gauges in a separate registry (aggregated across workers with min and max)
 * so the text exposition keeps only standard families.
 */
import { Gauge, Histogram, type LabelValues, type Registry } from 'prom-client';

export interface TrackedHistogramOptions<T extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly T[];
  readonly buckets: readonly number[];
  readonly registry: Registry;
  /** Holds the `<name>_min` / `<name>_max` gauges; not exposed in the text format. */
  readonly extremes: Registry;
}

export interface TrackedHistogram<T extends string> {
  readonly name: string;
  readonly histogram: Histogram<T>;
  observe(labels: LabelValues<T>, value: number): void;
  /** Starts a timer; calling the result observes the elapsed seconds and returns them. */
  startTimer(labels: LabelValues<T>): (extra?: LabelValues<T>) => number;
}

export function createTrackedHistogram<T extends string>(
  options: TrackedHistogramOptions<T>,
): TrackedHistogram<T> {
  const histogram = new Histogram<T>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames,
    buckets: [...options.buckets],
    registers: [options.registry],
  });
  const minGauge = new Gauge<T>({
    name: `${options.name}_min`,
    help: `Smallest observation of ${options.name}.`,
    labelNames: options.labelNames,
    registers: [options.extremes],
    aggregator: 'min',
  });
  const maxGauge = new Gauge<T>({
    name: `${options.name}_max`,
    help: `Largest observation of ${options.name}.`,
    labelNames: options.labelNames,
    registers: [options.extremes],
    aggregator: 'max',
  });
  const seen = new Map<string, { min: number; max: number }>();

  function observe(labels: LabelValues<T>, value: number): void {
    histogram.observe(labels, value);
    const key = options.labelNames.map((name) => String(labels[name] ?? '')).join('\u0000');
    const known = seen.get(key);
    if (known === undefined) {
      seen.set(key, { min: value, max: value });
      minGauge.set(labels, value);
      maxGauge.set(labels, value);
      return;
    }
    if (value < known.min) {
      known.min = value;
      minGauge.set(labels, value);
    }
    if (value > known.max) {
      known.max = value;
      maxGauge.set(labels, value);
    }
  }

  return {
    name: options.name,
    histogram,
    observe,
    startTimer(labels) {
      const started = performance.now();
      return (extra) => {
        const seconds = (performance.now() - started) / 1000;
        observe({ ...labels, ...extra }, seconds);
        return seconds;
      };
    },
  };
}
