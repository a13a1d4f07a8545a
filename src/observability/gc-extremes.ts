/**
 * Min and max of `nodejs_gc_duration_seconds`, the histogram prom-client's default metrics keep
 * of garbage collections. prom-client records only its buckets, so `/metrics?format=json`
 * reported `min: null, max: null` for it (issue 9, defect 5). This watches the same `gc`
 * performance entries, with the same `kind` labels and the same seconds, and keeps their
 * extremes beside those of our own histograms.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import type { Registry } from 'prom-client';
import { createExtremeGauges } from './tracked-histogram.js';

/** The family prom-client's `collectDefaultMetrics` registers. */
export const GC_DURATION_METRIC = 'nodejs_gc_duration_seconds';

/** prom-client's names of the GC kinds (lib/metrics/gc.js). */
const GC_KINDS: Readonly<Record<number, string>> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** Starts recording; returns the stop (the observer otherwise lives as long as the process). */
export function trackGcExtremes(extremes: Registry): () => void {
  const gauges = createExtremeGauges(GC_DURATION_METRIC, ['kind'], extremes);
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as { readonly detail?: { readonly kind?: number } | null }).detail;
      const kind = GC_KINDS[detail?.kind ?? -1];
      if (kind !== undefined) gauges.record({ kind }, entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
