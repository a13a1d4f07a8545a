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

/** The `<name>_min` / `<name>_max` gauges of one histogram family. */
export interface ExtremeGauges<T extends string> {
  record(labels: LabelValues<T>, value: number): void;
}

/**
 * Min and max gauges for the histogram `name`, in `extremes`. A gauge is set only when an
 * observation moves it, so the common case (a value between the two) costs a map lookup.
 */
export function createExtremeGauges<T extends string>(
  name: string,
  labelNames: readonly T[],
  extremes: Registry,
): ExtremeGauges<T> {
  const minGauge = new Gauge<T>({
    name: `${name}_min`,
    help: `Smallest observation of ${name}.`,
    labelNames,
    registers: [extremes],
    aggregator: 'min',
  });
  const maxGauge = new Gauge<T>({
    name: `${name}_max`,
    help: `Largest observation of ${name}.`,
    labelNames,
    registers: [extremes],
    aggregator: 'max',
  });
  const seen = new Map<string, { min: number; max: number }>();
  const keyOf = (labels: LabelValues<T>): string => {
    let key = '';
    for (const label of labelNames) key += `${String(labels[label] ?? '')}\u0000`;
    return key;
  };

  return {
    record(labels, value) {
      const key = keyOf(labels);
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
    },
  };
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
  const extremes = createExtremeGauges(options.name, options.labelNames, options.extremes);

  function observe(labels: LabelValues<T>, value: number): void {
    histogram.observe(labels, value);
    extremes.record(labels, value);
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
