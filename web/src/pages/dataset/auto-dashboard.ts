/**
 * What the automatic dashboard of a dataset shows, decided from its description alone: which
 * columns are numeric, which time bucket fits its time span, which column splits the series.
 */
import type { ColumnInfo, DatasetDetail } from '../../../../src/shared/api-types.js';

const NUMERIC = new Set(['integer', 'float']);
const BUCKETS: readonly [string, number][] = [
  ['minute', 60_000],
  ['hour', 3_600_000],
  ['day', 86_400_000],
  ['week', 7 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['quarter', 91 * 86_400_000],
  ['year', 365 * 86_400_000],
];
/** A time series aims at no more points than this. */
export const TARGET_TIME_POINTS = 500;
/** Several series over time share the width: each aims at fewer points. */
export const TARGET_SPLIT_POINTS = 100;
/** A category splits a series when it has at most this many values. */
export const MAX_SPLIT_VALUES = 12;
/** Series shown when a numeric mean over time is split by a category. */
export const SPLIT_TOP = 5;

export function numericColumns(detail: DatasetDetail): ColumnInfo[] {
  return detail.columns.filter(
    (column) =>
      NUMERIC.has(column.type) &&
      column.name !== detail.labelColumn &&
      column.name !== detail.timeColumn,
  );
}

/** The finest bucket that keeps the time span under `target` points. */
export function timeBucket(min: unknown, max: unknown, target = TARGET_TIME_POINTS): string {
  const from = Date.parse(String(min));
  const to = Date.parse(String(max));
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from) return 'day';
  const span = to - from;
  for (const [bucket, size] of BUCKETS) if (span / size <= target) return bucket;
  return 'year';
}

/** The column that splits a mean over time into series: the label, else a low-cardinality text column. */
export function splitColumn(detail: DatasetDetail): string | undefined {
  if (detail.labelColumn) return detail.labelColumn;
  const candidates = detail.columns.filter((column) => {
    const distinct = column.stats?.distinct ?? Number.POSITIVE_INFINITY;
    return (
      (column.type === 'string' || column.type === 'boolean') &&
      distinct >= 2 &&
      distinct <= MAX_SPLIT_VALUES
    );
  });
  return candidates[0]?.name;
}

export interface TimeSeriesPlan {
  readonly time: string;
  readonly bucket: string;
  /** The numeric column averaged over time, split by `group` when there is one. */
  readonly measure?: string;
  /** The bucket of the mean over time: coarser when it is split into several series. */
  readonly measureBucket: string;
  readonly group?: string;
}

export function timeSeriesPlan(detail: DatasetDetail): TimeSeriesPlan | undefined {
  const time = detail.columns.find((column) => column.name === detail.timeColumn);
  if (!time) return undefined;
  const bucket = timeBucket(time.stats?.min, time.stats?.max);
  const measure = numericColumns(detail)[0]?.name;
  const group = splitColumn(detail);
  const measureBucket =
    group === undefined
      ? bucket
      : timeBucket(time.stats?.min, time.stats?.max, TARGET_SPLIT_POINTS);
  return {
    time: time.name,
    bucket,
    measureBucket,
    ...(measure !== undefined && { measure }),
    ...(group !== undefined && { group }),
  };
}

/** The query string of an aggregate request from its parameters (undefined ones left out). */
export function aggregateQuery(
  parameters: Readonly<Record<string, string | number | undefined>>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters))
    if (value !== undefined) params.set(key, String(value));
  return params.toString();
}
