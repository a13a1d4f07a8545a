/**
 * Where memory use stands against the budget: `ok`, `warning` past DASHPORT_MEMORY_WARN,
 * `critical` past DASHPORT_MEMORY_CRITICAL (the supervisor then recycles a worker).
 */

export type MemoryLevel = 'ok' | 'warning' | 'critical';

export interface MemoryThresholds {
  readonly warnPercent: number;
  readonly criticalPercent: number;
}

/** One reading of the server's memory, as /health and the metrics report it. */
export interface MemorySnapshot {
  readonly rssBytes: number;
  readonly limitBytes: number;
  /** rss / limit × 100, two decimals. */
  readonly percent: number;
  readonly level: MemoryLevel;
}

export function assessMemory(
  rssBytes: number,
  limitBytes: number,
  thresholds: MemoryThresholds,
): MemorySnapshot {
  const percent = limitBytes > 0 ? Math.round((rssBytes / limitBytes) * 10_000) / 100 : 0;
  const level: MemoryLevel =
    percent >= thresholds.criticalPercent
      ? 'critical'
      : percent >= thresholds.warnPercent
        ? 'warning'
        : 'ok';
  return { rssBytes, limitBytes, percent, level };
}
