/**
 * Which rollups (pre-aggregations) a set of declarative dashboards calls for. For each
 * aggregate panel over a file dataset: one table grouped by the dashboard's filter columns,
 * the panel's x (its time bucket, or the column itself) and its group, holding the row count
 * and, per measured column, sum, non-null count, min and max. A time column the date-range
 * filter works on is kept at a day or finer, so every whole-day range still selects whole
 * rollup rows. Panels that no rollup can answer exactly (histograms, raw points, medians,
 * distinct counts of a column that is not a dimension) get none; the base table answers them.
 */
import { createHash } from 'node:crypto';
import type { ColumnInfo, ColumnType } from '../../shared/api-types.js';
import {
  AGGREGATE_PANEL_TYPES,
  type DashboardDefinition,
  type DashboardPanel,
} from '../../shared/dashboard-types.js';
import { TIME_BUCKETS } from '../sql/parse-aggregate-query.js';
import type { TimeBucket } from '../sql/query-types.js';

export interface RollupDimension {
  readonly column: string;
  readonly type: ColumnType;
  /** A time column truncated to this bucket; absent: the column as it is. */
  readonly bucket?: TimeBucket;
}

export interface RollupSpec {
  readonly dataset: string;
  /** Sorted by column name; at most one per column. */
  readonly dimensions: readonly RollupDimension[];
  /** Columns measured (sum, count, min, max), sorted. */
  readonly measures: readonly string[];
  /** A digest of dimensions and measures: the rollup's file name. */
  readonly key: string;
}

/** Buckets in the order of size; a bucket can be rebuilt from the finer ones it divides. */
const BUCKET_ORDER: readonly TimeBucket[] = TIME_BUCKETS;

/** True when truncating `stored`-truncated times to `wanted` equals truncating the raw times. */
export function bucketCovers(stored: TimeBucket, wanted: TimeBucket): boolean {
  if (stored === wanted) return true;
  if (stored === 'week' || wanted === 'week') {
    // Weeks start on Monday and divide no month; only minutes to days divide them.
    return wanted === 'week' && ['minute', 'hour', 'day'].includes(stored);
  }
  return BUCKET_ORDER.indexOf(stored) < BUCKET_ORDER.indexOf(wanted);
}

const FINE_BUCKETS = ['minute', 'hour', 'day'] as const;

/** The finer of two buckets that both can be rebuilt from. */
function finer(a: TimeBucket, b: TimeBucket): TimeBucket {
  if (bucketCovers(a, b)) return a;
  if (bucketCovers(b, a)) return b;
  return 'day';
}

const MEASURED_AGGS = ['sum', 'mean', 'min', 'max'];
/** Sums and means need numbers; min and max also work on dates and timestamps. */
const MEASURABLE_TYPES: readonly ColumnType[] = ['integer', 'float', 'date', 'timestamp'];

function isTime(type: ColumnType): boolean {
  return type === 'date' || type === 'timestamp';
}

function specOf(
  definition: DashboardDefinition,
  panel: DashboardPanel,
  columns: readonly ColumnInfo[],
): RollupSpec | undefined {
  if (!AGGREGATE_PANEL_TYPES.includes(panel.type)) return undefined;
  if (panel.bins !== undefined || panel.points !== undefined) return undefined;
  const typeOf = (name: string): ColumnType | undefined =>
    columns.find((column) => column.name === name)?.type;
  const agg = panel.agg ?? 'count';
  const dims = new Map<string, RollupDimension>();
  const add = (column: string, bucket?: TimeBucket): boolean => {
    const type = typeOf(column);
    if (type === undefined) return false;
    // Raw floats and timestamps would make a rollup as large as the table.
    if (bucket === undefined && (type === 'float' || type === 'timestamp')) return false;
    const existing = dims.get(column);
    // A column kept as it is serves every bucket; two buckets merge into the finer one.
    const merged =
      existing === undefined
        ? bucket
        : existing.bucket === undefined || bucket === undefined
          ? undefined
          : finer(existing.bucket, bucket);
    dims.set(column, { column, type, ...(merged === undefined ? {} : { bucket: merged }) });
    return true;
  };
  for (const filter of definition.filters) {
    const type = typeOf(filter.column);
    if (type === undefined) continue;
    if (filter.kind === 'date-range' && isTime(type)) {
      if (type === 'timestamp') add(filter.column, 'day');
      else add(filter.column);
    } else if (!add(filter.column)) return undefined;
  }
  for (const column of Object.keys(panel.where ?? {})) if (!add(column)) return undefined;
  if (panel.x !== undefined) {
    const type = typeOf(panel.x);
    if (type === undefined) return undefined;
    if (panel.bucket !== undefined) {
      if (!isTime(type)) return undefined;
      const bucket = panel.bucket as TimeBucket;
      if (!BUCKET_ORDER.includes(bucket)) return undefined;
      // A date column is already at days; only coarser buckets are worth truncating.
      if (type === 'date' && (FINE_BUCKETS as readonly string[]).includes(bucket)) add(panel.x);
      else add(panel.x, bucket);
    } else if (!add(panel.x)) return undefined;
  }
  if (panel.group !== undefined && !add(panel.group)) return undefined;
  const measures: string[] = [];
  if (agg === 'distinct') {
    // Exact only when y is a dimension kept as it is: count the distinct dimension values.
    if (panel.y === undefined || (!dims.has(panel.y) && !add(panel.y))) return undefined;
    if (dims.get(panel.y)?.bucket !== undefined) return undefined;
  } else if (MEASURED_AGGS.includes(agg)) {
    const type = panel.y === undefined ? undefined : typeOf(panel.y);
    if (panel.y === undefined || type === undefined || !MEASURABLE_TYPES.includes(type))
      return undefined;
    if ((agg === 'sum' || agg === 'mean') && type !== 'integer' && type !== 'float')
      return undefined;
    measures.push(panel.y);
  } else if (agg !== 'count') return undefined;
  const dimensions = [...dims.values()].sort((a, b) => a.column.localeCompare(b.column));
  return makeSpec(panel.dataset, dimensions, measures);
}

export function makeSpec(
  dataset: string,
  dimensions: readonly RollupDimension[],
  measures: readonly string[],
): RollupSpec {
  const sortedMeasures = [...new Set(measures)].sort();
  const key = createHash('sha256')
    .update(JSON.stringify([dataset, dimensions, sortedMeasures]))
    .digest('hex')
    .slice(0, 16);
  return { dataset, dimensions, measures: sortedMeasures, key };
}

/** Share of the base table's rows a rollup may have at most: a larger one saves too little. */
export const DEFAULT_MAX_ROWS_SHARE = 0.5;

const BUCKET_MS: Readonly<Record<TimeBucket, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 28 * 86_400_000,
  quarter: 89 * 86_400_000,
  year: 365 * 86_400_000,
};

/**
 * An upper bound of a rollup's rows from the column statistics: the product of each
 * dimension's distinct values (plus one for NULL), a time bucket's count from the column's
 * range; without statistics a dimension counts as many values as the table has rows.
 */
export function estimateRollupRows(
  spec: Pick<RollupSpec, 'dimensions'>,
  columns: readonly ColumnInfo[],
  rows: number,
): number {
  let product = 1;
  for (const dim of spec.dimensions) {
    const stats = columns.find((c) => c.name === dim.column)?.stats ?? undefined;
    let values = rows;
    if (stats !== undefined && stats !== null) {
      values = stats.distinct + (stats.nulls > 0 ? 1 : 0);
      if (dim.bucket !== undefined) {
        const min = Date.parse(String(stats.min));
        const max = Date.parse(String(stats.max));
        if (Number.isFinite(min) && Number.isFinite(max))
          values = Math.min(values, Math.floor((max - min) / BUCKET_MS[dim.bucket]) + 2);
      }
    }
    product *= Math.max(1, values);
  }
  return Math.min(product, rows);
}

function dimensionsKey(spec: RollupSpec): string {
  return JSON.stringify(spec.dimensions);
}

/**
 * The rollups of `dataset` its dashboards call for, one per distinct set of dimensions (the
 * measures of panels sharing dimensions are merged). `columns`: the dataset's columns.
 */
export function deriveRollups(
  dataset: string,
  columns: readonly ColumnInfo[],
  definitions: Iterable<DashboardDefinition>,
  size: { readonly rows: number; readonly maxRowsShare?: number },
): RollupSpec[] {
  const limit = size.rows * (size.maxRowsShare ?? DEFAULT_MAX_ROWS_SHARE);
  const byDimensions = new Map<string, RollupSpec>();
  for (const definition of definitions) {
    for (const panel of definition.panels) {
      if (panel.dataset !== dataset) continue;
      const spec = specOf(definition, panel, columns);
      if (spec === undefined || spec.dimensions.length === 0) continue;
      if (estimateRollupRows(spec, columns, size.rows) > limit) continue;
      const key = dimensionsKey(spec);
      const existing = byDimensions.get(key);
      byDimensions.set(
        key,
        existing === undefined
          ? spec
          : makeSpec(dataset, spec.dimensions, [...existing.measures, ...spec.measures]),
      );
    }
  }
  return [...byDimensions.values()].sort((a, b) => a.key.localeCompare(b.key));
}
