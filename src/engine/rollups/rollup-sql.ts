/**
 * Rollups in SQL (DuckDB): the statement that builds one from the base table, whether it
 * covers an aggregate query, and the statements answering a covered query from it with the
 * same cells `(x, g, v, n)` the base table gives (src/engine/sql/build-aggregate-sql.ts):
 * counts are sums of the row counts, sums re-added, means sum ÷ count, min and max of the
 * partial extremes, a distinct count of a dimension a count of its distinct values, and one
 * of a bitmap rollup's column the popcount of its words OR-ed over the cell. Groups rank by
 * rows and ties by label, exactly as on the base table.
 */
import type { ColumnInfo, ColumnType } from '../../shared/api-types.js';
import { ALL_X, NULL_GROUP, OTHER_GROUP } from '../sql/build-aggregate-sql.js';
import { buildConditions, whereClause } from '../sql/build-where-sql.js';
import { groupTextExpr, typedPlaceholder } from '../sql/dialect.js';
import { quoteIdent } from '../sql/identifiers.js';
import { TIME_BUCKETS } from '../sql/parse-aggregate-query.js';
import type {
  AggregateQuery,
  BoundValue,
  Filter,
  SchemaColumn,
  SqlStatement,
  TimeBucket,
} from '../sql/query-types.js';
import { createSqlParams, type SqlParams } from '../sql/sql-params.js';
import {
  BITMAP_WORD_BITS,
  type RollupDimension,
  type RollupSpec,
  bucketCovers,
} from './rollup-spec.js';

/** Rows of the base table in a rollup row. */
export const COUNT_COLUMN = '__n';
/** A bitmap rollup's word: which 64 dense ids (NULL: the rows whose value is NULL). */
export const WORD_COLUMN = '__w';
/** A bitmap rollup's bits: id `64 × word + i` is among the row's values when bit i is set. */
export const BITS_COLUMN = '__bits';
type PartialKind = 'sum' | 'cnt' | 'min' | 'max';

export function partialColumn(partial: PartialKind, index: number): string {
  return `__${partial}_${index}`;
}

function isNumeric(type: ColumnType | undefined): boolean {
  return type === 'integer' || type === 'float';
}

/** The partials a measured column keeps: sums only for numbers. */
function partialsOf(type: ColumnType | undefined): PartialKind[] {
  return isNumeric(type) ? ['sum', 'cnt', 'min', 'max'] : ['min', 'max'];
}

/**
 * `SELECT dims…, count(*), partials… FROM base GROUP BY dims`; for a bitmap rollup, grouped
 * also by word: each value of its column gets a dense id (the most frequent first, so the high
 * words of rare values stay empty and are not stored), and a row's value sets bit `id % 64` of
 * word `id ÷ 64`. Every base row lands in exactly one rollup row, so the counts still add up.
 */
export function buildRollupTableSql(
  baseRelation: string,
  spec: RollupSpec,
  columns: readonly ColumnInfo[],
): string {
  if (spec.distinct !== undefined) return buildBitmapTableSql(baseRelation, spec, spec.distinct);
  const dims = spec.dimensions.map((dim) => {
    const name = quoteIdent(dim.column);
    return dim.bucket === undefined
      ? name
      : `date_trunc('${safeBucket(dim.bucket)}', ${name}) AS ${name}`;
  });
  const partials = spec.measures.flatMap((measure, index) => {
    const name = quoteIdent(measure);
    const type = columns.find((c) => c.name === measure)?.type;
    const of: Record<PartialKind, string> = {
      sum: `sum(${name})`,
      cnt: `count(${name})`,
      min: `min(${name})`,
      max: `max(${name})`,
    };
    return partialsOf(type).map(
      (partial) => `${of[partial]} AS ${quoteIdent(partialColumn(partial, index))}`,
    );
  });
  const groupBy = spec.dimensions.map((_, i) => String(i + 1)).join(', ');
  return (
    `SELECT ${[...dims, `count(*) AS ${COUNT_COLUMN}`, ...partials].join(', ')} ` +
    `FROM ${quoteIdent(baseRelation)} GROUP BY ${groupBy}`
  );
}

function dimensionSql(dim: RollupDimension, from = ''): string {
  const name = quoteIdent(dim.column);
  return dim.bucket === undefined
    ? `${from}${name} AS ${name}`
    : `date_trunc('${safeBucket(dim.bucket)}', ${from}${name}) AS ${name}`;
}

function buildBitmapTableSql(baseRelation: string, spec: RollupSpec, column: string): string {
  const base = quoteIdent(baseRelation);
  const value = quoteIdent(column);
  const dims = spec.dimensions.map((dim) => dimensionSql(dim, 'b.'));
  const ids =
    `SELECT ${value} AS v, row_number() OVER (ORDER BY count(*) DESC, ${value}) - 1 AS id ` +
    `FROM ${base} WHERE ${value} IS NOT NULL GROUP BY ${value}`;
  const groupBy = [...spec.dimensions.map((_, i) => String(i + 1)), String(dims.length + 1)];
  return (
    `WITH ids AS (${ids}) SELECT ${dims.join(', ')}, ` +
    `CAST(ids.id // ${BITMAP_WORD_BITS} AS BIGINT) AS ${WORD_COLUMN}, ` +
    `count(*) AS ${COUNT_COLUMN}, ` +
    // Both operands UBIGINT: with an INTEGER shift DuckDB widens to HUGEINT, which Parquet
    // would store as a lossy DOUBLE.
    `CAST(bit_or(CAST(1 AS UBIGINT) << CAST(ids.id % ${BITMAP_WORD_BITS} AS UBIGINT)) AS UBIGINT) AS ${BITS_COLUMN} ` +
    `FROM ${base} AS b LEFT JOIN ids ON b.${value} = ids.v GROUP BY ${groupBy.join(', ')}`
  );
}

function safeBucket(bucket: TimeBucket): TimeBucket {
  // The unit goes into SQL text: only ever a member of the allow-list.
  const unit = TIME_BUCKETS.find((candidate) => candidate === bucket);
  if (unit === undefined) throw new TypeError(`unknown time bucket ${bucket}`);
  return unit;
}

const UNIT_MS: Partial<Record<TimeBucket, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** True when the UTC instant `value` (an ISO string as filters bind it) starts a `bucket`. */
export function isBucketStart(value: BoundValue, bucket: TimeBucket): boolean {
  if (typeof value !== 'string') return false;
  const ms = Date.parse(
    /(Z|[+-]\d\d:\d\d)$/.test(value) || value.length === 10 ? value : `${value}Z`,
  );
  if (!Number.isFinite(ms)) return false;
  // Microseconds past the millisecond would be lost by Date.parse: they must be zero.
  const fraction = /\.(\d+)/.exec(value)?.[1];
  if (fraction !== undefined && /[1-9]/.test(fraction)) return false;
  const unit = UNIT_MS[bucket];
  if (unit !== undefined) return ms % unit === 0;
  const date = new Date(ms);
  if (ms % 86_400_000 !== 0) return false;
  if (bucket === 'week') return date.getUTCDay() === 1;
  if (date.getUTCDate() !== 1) return false;
  const month = date.getUTCMonth();
  if (bucket === 'month') return true;
  if (bucket === 'quarter') return month % 3 === 0;
  return month === 0;
}

/**
 * A filter on a truncated time dimension selects whole rollup rows only as `gte` / `lt` a bucket
 * start (`t >= B` ⇔ trunc(t) >= B, `t < B` ⇔ trunc(t) < B for such B); anything else on it would
 * cut a rollup row.
 */
function filterCovered(filter: Filter, dim: RollupDimension | undefined): boolean {
  if (dim === undefined) return false;
  if (dim.bucket === undefined) return true;
  const bucket = dim.bucket;
  return (
    !filter.negate &&
    (filter.op === 'gte' || filter.op === 'lt') &&
    filter.values.every((value) => isBucketStart(value, bucket))
  );
}

/** Why `spec` cannot answer `q` exactly, or undefined when it can. */
export function uncoveredReason(
  spec: RollupSpec,
  q: AggregateQuery,
  columns: readonly ColumnInfo[],
): string | undefined {
  const dim = (column: string): RollupDimension | undefined =>
    spec.dimensions.find((d) => d.column === column);
  if (q.bins !== undefined) return 'bins';
  if (q.points !== undefined) return 'points';
  for (const filter of q.filters)
    if (!filterCovered(filter, dim(filter.column))) return `filter on ${filter.column}`;
  if (q.x !== undefined) {
    const x = dim(q.x);
    if (x === undefined) return `x ${q.x}`;
    if (q.bucket === undefined) {
      if (x.bucket !== undefined || x.type === 'float' || x.type === 'timestamp') return 'raw x';
    } else if (x.bucket === undefined ? x.type !== 'date' : !bucketCovers(x.bucket, q.bucket)) {
      return `bucket ${q.bucket}`;
    }
  }
  if (q.group !== undefined) {
    const g = dim(q.group);
    if (g === undefined || g.bucket !== undefined) return `group ${q.group}`;
  }
  switch (q.agg) {
    case 'count':
      return undefined;
    case 'median':
      return 'median';
    case 'distinct': {
      if (spec.distinct !== undefined)
        return q.y === spec.distinct ? undefined : `distinct ${q.y ?? ''}`;
      const y = q.y === undefined ? undefined : dim(q.y);
      return y === undefined || y.bucket !== undefined ? 'distinct' : undefined;
    }
    default: {
      if (q.y === undefined || !spec.measures.includes(q.y)) return `measure ${q.y ?? ''}`;
      const type = columns.find((c) => c.name === q.y)?.type;
      if ((q.agg === 'sum' || q.agg === 'mean') && !isNumeric(type)) return `${q.agg} of ${type}`;
      return undefined;
    }
  }
}

function schemaOf(spec: RollupSpec): SchemaColumn[] {
  return spec.dimensions.map((d) => ({ name: d.column, type: d.type }));
}

interface Parts {
  readonly filtered: string;
  /** The per-cell value over filtered rows. */
  readonly value: string;
  readonly partials: { readonly select: string[]; readonly fold: string } | undefined;
}

function extreme(agg: 'min' | 'max', inner: string, type: ColumnType | undefined): string {
  const value = `${agg}(${inner})`;
  if (type === 'timestamp') return `CAST(epoch_ms(date_trunc('milliseconds', ${value})) AS DOUBLE)`;
  if (type === 'date') return `CAST(epoch_ms(${value}) AS DOUBLE)`;
  return `CAST(${value} AS DOUBLE)`;
}

function parts(
  relation: string,
  spec: RollupSpec,
  q: AggregateQuery,
  columns: readonly ColumnInfo[],
  params: SqlParams,
): Parts {
  const x =
    q.x === undefined
      ? `'${ALL_X}'`
      : q.bucket === undefined
        ? quoteIdent(q.x)
        : `date_trunc('${safeBucket(q.bucket)}', ${quoteIdent(q.x)})`;
  const groupDim = spec.dimensions.find((d) => d.column === q.group);
  const g =
    groupDim === undefined
      ? ''
      : `, coalesce(${groupTextExpr('duckdb', groupDim.type, quoteIdent(groupDim.column))}, '${NULL_GROUP}') AS g`;
  const index = q.y === undefined ? -1 : spec.measures.indexOf(q.y);
  const yType = columns.find((c) => c.name === q.y)?.type;
  const p = (partial: PartialKind) => quoteIdent(partialColumn(partial, index));
  let measure = '';
  let value: string;
  let partials: Parts['partials'];
  switch (q.agg) {
    case 'count':
      value = `CAST(sum(${COUNT_COLUMN}) AS DOUBLE)`;
      partials = { select: [], fold: 'CAST(sum(cells.n) AS DOUBLE)' };
      break;
    case 'sum':
      measure = `, ${p('sum')} AS s`;
      value = 'CAST(sum(s) AS DOUBLE)';
      partials = { select: ['sum(s) AS p'], fold: 'CAST(sum(cells.p) AS DOUBLE)' };
      break;
    case 'mean':
      measure = `, ${p('sum')} AS s, ${p('cnt')} AS c`;
      value = 'CAST(sum(s) AS DOUBLE) / nullif(CAST(sum(c) AS DOUBLE), 0)';
      partials = {
        select: ['CAST(sum(s) AS DOUBLE) AS p', 'sum(c) AS m'],
        fold: 'sum(cells.p) / nullif(CAST(sum(cells.m) AS DOUBLE), 0)',
      };
      break;
    case 'min':
    case 'max':
      measure = `, ${p(q.agg)} AS e`;
      value = extreme(q.agg, 'e', yType);
      partials = { select: [`${value} AS p`], fold: `${q.agg}(cells.p)` };
      break;
    case 'distinct':
      if (spec.distinct !== undefined) {
        // Folded per word first (bitmapSql): the value is the popcount of the OR-ed words.
        measure = `, ${WORD_COLUMN} AS w, ${BITS_COLUMN} AS b`;
        value = 'CAST(coalesce(sum(bit_count(b)), 0) AS DOUBLE)';
        partials = undefined;
        break;
      }
      measure = `, ${quoteIdent(q.y ?? '')} AS y`;
      value = 'CAST(count(DISTINCT y) AS DOUBLE)';
      partials = undefined;
      break;
    case 'median':
      throw new TypeError('a rollup cannot answer a median');
  }
  const where = whereClause(buildConditions(q.filters, schemaOf(spec), 'duckdb', params));
  const filtered = `filtered AS (SELECT ${x} AS x${g}, ${COUNT_COLUMN}${measure} FROM ${quoteIdent(relation)}${where})`;
  return { filtered, value, partials };
}

/** The chart cells of covered query `q` from the rollup in view `relation`. */
export function buildRollupAggregateSql(
  relation: string,
  spec: RollupSpec,
  q: AggregateQuery,
  columns: readonly ColumnInfo[],
  topGroups?: readonly string[],
): SqlStatement {
  const params = createSqlParams();
  const { filtered, value, partials } = parts(relation, spec, q, columns, params);
  if (spec.distinct !== undefined && q.agg === 'distinct')
    return bitmapSql(filtered, value, q, topGroups, params);
  const n = `CAST(sum(${COUNT_COLUMN}) AS BIGINT)`;
  if (q.group === undefined) {
    const sql = `WITH ${filtered} SELECT x, CAST(NULL AS VARCHAR) AS g, ${value} AS v, ${n} AS n FROM filtered GROUP BY x ORDER BY x NULLS LAST`;
    return { sql, params: params.values };
  }
  if (partials === undefined || topGroups !== undefined) {
    const groups = topGroups ?? [];
    const label =
      groups.length === 0
        ? `'${OTHER_GROUP}'`
        : `CASE WHEN g IN (${groups.map((group) => params.add(group)).join(', ')}) THEN g ELSE '${OTHER_GROUP}' END`;
    const sql = `WITH ${filtered} SELECT x, ${label} AS g, ${value} AS v, ${n} AS n FROM filtered GROUP BY 1, 2 ORDER BY 1 NULLS LAST, 2`;
    return { sql, params: params.values };
  }
  const top = typedPlaceholder('duckdb', 'integer', params.add(q.top));
  const select = partials.select.length === 0 ? '' : `, ${partials.select.join(', ')}`;
  const sql =
    `WITH ${filtered}, cells AS (SELECT x, g, sum(${COUNT_COLUMN}) AS n${select} FROM filtered GROUP BY x, g), ` +
    'ranked AS (SELECT g, row_number() OVER (ORDER BY sum(n) DESC, g) AS r FROM cells GROUP BY g) ' +
    `SELECT cells.x AS x, CASE WHEN ranked.r <= ${top} THEN cells.g ELSE '${OTHER_GROUP}' END AS g, ` +
    `${partials.fold} AS v, CAST(sum(cells.n) AS BIGINT) AS n FROM cells JOIN ranked ON cells.g = ranked.g ` +
    'GROUP BY 1, 2 ORDER BY 1 NULLS LAST, 2';
  return { sql, params: params.values };
}

/**
 * A distinct count from a bitmap rollup: each cell's words OR-ed word by word (after the
 * groups outside the top are relabelled, so "Other" is the union of their values), then the
 * set bits counted. A cell whose rows all have NULL values has only a NULL word: count 0.
 */
function bitmapSql(
  filtered: string,
  value: string,
  q: AggregateQuery,
  topGroups: readonly string[] | undefined,
  params: SqlParams,
): SqlStatement {
  let label = 'CAST(NULL AS VARCHAR)';
  if (q.group !== undefined) {
    const groups = topGroups ?? [];
    label =
      groups.length === 0
        ? `'${OTHER_GROUP}'`
        : `CASE WHEN g IN (${groups.map((group) => params.add(group)).join(', ')}) THEN g ELSE '${OTHER_GROUP}' END`;
  }
  const sql =
    `WITH ${filtered}, words AS (SELECT x, ${label} AS g, w, sum(${COUNT_COLUMN}) AS ${COUNT_COLUMN}, ` +
    'bit_or(b) AS b FROM filtered GROUP BY 1, 2, 3) ' +
    `SELECT x, g, ${value} AS v, CAST(sum(${COUNT_COLUMN}) AS BIGINT) AS n FROM words ` +
    'GROUP BY 1, 2 ORDER BY 1 NULLS LAST, 2';
  return { sql, params: params.values };
}

/** The top groups of `q` by rows (one more than `top`), for aggregates that cannot fold. */
export function buildRollupTopGroupsSql(
  relation: string,
  spec: RollupSpec,
  q: AggregateQuery,
  columns: readonly ColumnInfo[],
): SqlStatement {
  const params = createSqlParams();
  const { filtered } = parts(relation, spec, { ...q, agg: 'count' }, columns, params);
  const limit = typedPlaceholder('duckdb', 'integer', params.add(q.top + 1));
  const sql = `WITH ${filtered} SELECT g, sum(${COUNT_COLUMN}) AS n FROM filtered GROUP BY g ORDER BY n DESC, g LIMIT ${limit}`;
  return { sql, params: params.values };
}

/** Rows in a rollup: the smallest covering one answers. */
export function smallestCovering<T extends { spec: RollupSpec; rows: number }>(
  rollups: readonly T[],
  q: AggregateQuery,
  columns: readonly ColumnInfo[],
): T | undefined {
  let best: T | undefined;
  for (const rollup of rollups) {
    if (uncoveredReason(rollup.spec, q, columns) !== undefined) continue;
    if (best === undefined || rollup.rows < best.rows) best = rollup;
  }
  return best;
}
