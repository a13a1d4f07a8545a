/**
 * Which rollups (pre-aggregations) a set of declarative dashboards calls for. For each
 * aggregate panel over a file dataset: one table grouped by the dashboard's filter columns,
 * the panel's x (its time bucket, or the column itself) and its group, holding the row count
 * and, per measured column, sum, non-null count, min and max. A time column the date-range
 * filter works on is kept at a day or finer, so every whole-day range still selects whole
 * rollup rows. A distinct count of a column is answered from a rollup with that column as one
 * more dimension when that is small enough, else from a bitmap rollup: per row of the other
 * dimensions, the set of the column's values as 64-bit words of a bitmap over dense ids
 * (rollup-sql.ts), so the count under any covered filter is the popcount of the words OR-ed.
 * Panels that no rollup can answer exactly (histograms, raw points, medians) get none; the
 * base table answers them.
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
  /** A bitmap rollup: the column whose distinct values it keeps (it has no measures). */
  readonly distinct?: string;
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

/** Types a bitmap rollup keeps distinct values of (a float's NaN would need care of its own). */
const BITMAP_TYPES: readonly ColumnType[] = ['integer', 'string', 'boolean', 'date', 'timestamp'];

/** The rollups that could answer `panel`, preferred first; none when no rollup can. */
function specsOf(
  definition: DashboardDefinition,
  panel: DashboardPanel,
  columns: readonly ColumnInfo[],
): RollupSpec[] {
  if (!AGGREGATE_PANEL_TYPES.includes(panel.type)) return [];
  if (panel.bins !== undefined || panel.points !== undefined) return [];
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
    } else if (!add(filter.column)) return [];
  }
  for (const column of Object.keys(panel.where ?? {})) if (!add(column)) return [];
  if (panel.x !== undefined) {
    const type = typeOf(panel.x);
    if (type === undefined) return [];
    if (panel.bucket !== undefined) {
      if (!isTime(type)) return [];
      const bucket = panel.bucket as TimeBucket;
      if (!BUCKET_ORDER.includes(bucket)) return [];
      // A date column is already at days; only coarser buckets are worth truncating.
      if (type === 'date' && (FINE_BUCKETS as readonly string[]).includes(bucket)) add(panel.x);
      else add(panel.x, bucket);
    } else if (!add(panel.x)) return [];
  }
  if (panel.group !== undefined && !add(panel.group)) return [];
  const measures: string[] = [];
  const sorted = () => [...dims.values()].sort((a, b) => a.column.localeCompare(b.column));
  if (agg === 'distinct') {
    const y = panel.y;
    const type = y === undefined ? undefined : typeOf(y);
    if (y === undefined || type === undefined) return [];
    // A bitmap of y's values per row of the other dimensions; if y is one already, neither.
    const bitmap =
      dims.has(y) || !BITMAP_TYPES.includes(type) ? [] : [makeSpec(panel.dataset, sorted(), [], y)];
    // Or y as one more dimension kept as it is: count the distinct dimension values.
    if (!dims.has(y) && !add(y)) return bitmap;
    if (dims.get(y)?.bucket !== undefined) return bitmap;
    return [makeSpec(panel.dataset, sorted(), []), ...bitmap];
  } else if (MEASURED_AGGS.includes(agg)) {
    const type = panel.y === undefined ? undefined : typeOf(panel.y);
    if (panel.y === undefined || type === undefined || !MEASURABLE_TYPES.includes(type)) return [];
    if ((agg === 'sum' || agg === 'mean') && type !== 'integer' && type !== 'float') return [];
    measures.push(panel.y);
  } else if (agg !== 'count') return [];
  return [makeSpec(panel.dataset, sorted(), measures)];
}

export function makeSpec(
  dataset: string,
  dimensions: readonly RollupDimension[],
  measures: readonly string[],
  distinct?: string,
): RollupSpec {
  const sortedMeasures = [...new Set(measures)].sort();
  // Without `distinct` the digest is the one rollups had before bitmaps: built ones are kept.
  const identity = [
    dataset,
    dimensions,
    sortedMeasures,
    ...(distinct === undefined ? [] : [distinct]),
  ];
  const key = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
  return {
    dataset,
    dimensions,
    measures: sortedMeasures,
    ...(distinct === undefined ? {} : { distinct }),
    key,
  };
}

/** Bits in one word of a bitmap rollup. */
export const BITMAP_WORD_BITS = 64;

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
 * range; without statistics a dimension counts as many values as the table has rows. A bitmap
 * rollup has a row per word with a bit set (each of the table's rows sets one bit, so at most
 * one per row) and the words of a group of the dimensions: the groups × ⌈distinct ÷ 64⌉, plus
 * a row per group for the rows whose value is NULL.
 */
export function estimateRollupRows(
  spec: Pick<RollupSpec, 'dimensions' | 'distinct'>,
  columns: readonly ColumnInfo[],
  rows: number,
): number {
  const groups = estimateGroups(spec.dimensions, columns, rows);
  if (spec.distinct === undefined) return groups;
  const values = distinctValues(spec.distinct, columns, rows);
  const words = Math.ceil(values / BITMAP_WORD_BITS);
  return Math.min(groups * words, rows) + groups;
}

function distinctValues(column: string, columns: readonly ColumnInfo[], rows: number): number {
  const stats = columns.find((c) => c.name === column)?.stats ?? undefined;
  return stats === undefined || stats === null ? rows : Math.max(1, stats.distinct);
}

function estimateGroups(
  dimensions: readonly RollupDimension[],
  columns: readonly ColumnInfo[],
  rows: number,
): number {
  let product = 1;
  for (const dim of dimensions) {
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
  return JSON.stringify([spec.dimensions, spec.distinct ?? null]);
}

/**
 * The rollups of `dataset` its dashboards call for, one per distinct set of dimensions (the
 * measures of panels sharing dimensions are merged), each at most `maxRowsShare` of the
 * table's rows by its estimate: of a panel's candidates the first that is (a distinct count's
 * dimension rollup before its bitmap one). `columns`: the dataset's columns.
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
      const spec = specsOf(definition, panel, columns).find(
        (candidate) =>
          candidate.dimensions.length > 0 &&
          estimateRollupRows(candidate, columns, size.rows) <= limit,
      );
      if (spec === undefined) continue;
      const key = dimensionsKey(spec);
      const existing = byDimensions.get(key);
      byDimensions.set(
        key,
        existing === undefined
          ? spec
          : makeSpec(
              dataset,
              spec.dimensions,
              [...existing.measures, ...spec.measures],
              spec.distinct,
            ),
      );
    }
  }
  return [...byDimensions.values()].sort((a, b) => a.key.localeCompare(b.key));
}
