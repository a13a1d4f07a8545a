/**
 * AggregateQuery → one SELECT returning chart cells `(x, g, v, n)`: x the raw, bucketed or
 * binned x ('all' without x), g the group's label ('other' past the top N groups by row count,
 * 'null' for a NULL group), v the aggregate as a float, n the rows in the cell.
 */
import { histogramEdges } from '../../analysis/histogram.js';
import { buildConditions, whereClause } from './build-where-sql.js';
import {
  binaryCollation,
  doubleType,
  groupTextExpr,
  textType,
  typedPlaceholder,
} from './dialect.js';
import { aggregateFunctionSql } from './aggregate-function-sql.js';
import { type SqlRelation, quoteIdent, quoteRelation, resolveColumn } from './identifiers.js';
import { measureColumns, measureSelectList, measureSql } from './measure-sql.js';
import { TIME_BUCKETS } from './parse-aggregate-query.js';
import type {
  AggregateQuery,
  SchemaColumn,
  SqlDialect,
  SqlStatement,
  TimeBucket,
} from './query-types.js';
import { createSqlParams, type SqlParams } from './sql-params.js';

/** Label of the cell that holds every group past the top N. */
export const OTHER_GROUP = 'other';
/** Label of the group whose value is NULL. */
export const NULL_GROUP = 'null';
/** The x of every cell when the query has no x. */
export const ALL_X = 'all';

/** The finite range of x over the filtered rows, which `bins` are laid over. */
export interface BinRange {
  readonly min: number;
  readonly max: number;
}

/** Options of buildAggregateSql. */
export interface AggregateSqlOptions {
  /** Required with `bins`: usually the answer of buildBinRangeSql. */
  readonly binRange?: BinRange;
  /**
   * The top groups, found beforehand with buildTopGroupsSql. Two cheap aggregates beat one
   * query that ranks groups in a CTE and joins it back, which makes the engine materialize
   * every filtered row (seconds on millions of rows instead of milliseconds).
   */
  readonly topGroups?: readonly string[];
}

/**
 * The bin edges a `bins` query uses over `range` (from src/analysis/histogram.ts, so SQL and
 * in-memory histograms agree); pass the same edges to shapeAggregate.
 */
export function aggregateBinEdges(q: AggregateQuery, range: BinRange): number[] {
  if (q.bins === undefined) throw new TypeError('aggregateBinEdges: the query has no bins');
  return histogramEdges(range.min, range.max, q.bins);
}

function finiteDouble(name: string, dialect: SqlDialect): { expr: string; finite: string } {
  const double = doubleType(dialect);
  const expr = `CAST(${name} AS ${double})`;
  // NaN sorts above +Infinity in both engines, so this also leaves NaN out.
  return {
    expr,
    finite: `${expr} > CAST('-Infinity' AS ${double}) AND ${expr} < CAST('Infinity' AS ${double})`,
  };
}

/**
 * The smallest and largest finite x (as `min`, `max` floats; NULL without rows) over the rows
 * that `q` filters: the range to pass to buildAggregateSql for `bins`.
 */
export function buildBinRangeSql(
  table: SqlRelation,
  q: AggregateQuery,
  schema: readonly SchemaColumn[],
  dialect: SqlDialect,
): SqlStatement {
  if (q.x === undefined) throw new TypeError('buildBinRangeSql: the query has no x');
  const params = createSqlParams();
  const x = finiteDouble(quoteIdent(resolveColumn('x', q.x, schema).name), dialect);
  const conditions = [...buildConditions(q.filters, schema, dialect, params), x.finite];
  const sql = `SELECT min(${x.expr}) AS min, max(${x.expr}) AS max FROM ${quoteRelation(table)}${whereClause(conditions)}`;
  return { sql, params: params.values };
}

function bucketExpr(
  name: string,
  type: SchemaColumn['type'],
  bucket: TimeBucket,
  dialect: SqlDialect,
): string {
  // The unit is a literal from the allow-list, never the request's text.
  const unit = TIME_BUCKETS.find((candidate) => candidate === bucket);
  if (unit === undefined) throw new TypeError(`unknown time bucket ${bucket}`);
  // PostgreSQL's date_trunc on a date goes through timestamptz (session time zone); a plain
  // timestamp keeps midnight where it is.
  const source = dialect === 'postgres' && type === 'date' ? `CAST(${name} AS timestamp)` : name;
  return `date_trunc('${unit}', ${source})`;
}

/**
 * A raw x grouped as the response shows it, so that no two cells share one x: timestamps at
 * the millisecond of their ISO cell (rounded down), and NaN and ±Infinity, which JSON writes as
 * null, with the nulls. Found by test/engine/query-properties.test.ts: 1969-12-31 23:59:59.9995
 * and …59.9999 were two cells at x "…59.999Z", and the chart kept one of them.
 */
function rawXExpr(name: string, type: SchemaColumn['type'], dialect: SqlDialect): string {
  if (type === 'timestamp') return `date_trunc('milliseconds', ${name})`;
  if (type === 'float') return `CASE WHEN ${finiteDouble(name, dialect).finite} THEN ${name} END`;
  return name;
}

function valueExpr(
  q: AggregateQuery,
  schema: readonly SchemaColumn[],
  dialect: SqlDialect,
  params: SqlParams,
): string {
  if (q.measure !== undefined)
    return measureSql(q.measure, measureColumns(q.measure, schema), dialect, params);
  if (q.agg === 'count') return aggregateFunctionSql('count', undefined, '', dialect);
  if (q.y === undefined) throw new TypeError(`agg=${q.agg} needs y`);
  return aggregateFunctionSql(q.agg, resolveColumn('y', q.y, schema), 'y', dialect);
}

/** The parts of the filtered rows every shape of query shares: the group label and y. */
interface Selected {
  readonly table: string;
  /** `, <expr> AS g` or nothing. */
  readonly g: string;
  /** `, <column> AS y`, the measure's `, <column> AS m0, …`, or nothing. */
  readonly y: string;
  /** The aliases of `y`, `, y` or `, m0, m1`, to carry them through further CTEs. */
  readonly keep: string;
}

function selected(
  table: SqlRelation,
  q: AggregateQuery,
  schema: readonly SchemaColumn[],
  dialect: SqlDialect,
): Selected {
  const group = q.group === undefined ? undefined : resolveColumn('group', q.group, schema);
  const y = q.agg === 'count' || q.y === undefined ? undefined : resolveColumn('y', q.y, schema);
  if (q.measure !== undefined) {
    const columns = measureColumns(q.measure, schema);
    return {
      ...selectedGroup(table, group, dialect),
      y: measureSelectList(columns),
      keep: columns.map(({ alias }) => `, ${alias}`).join(''),
    };
  }
  return {
    ...selectedGroup(table, group, dialect),
    y: y === undefined ? '' : `, ${quoteIdent(y.name)} AS y`,
    keep: y === undefined ? '' : ', y',
  };
}

function selectedGroup(
  table: SqlRelation,
  group: SchemaColumn | undefined,
  dialect: SqlDialect,
): { table: string; g: string } {
  return {
    table: quoteRelation(table),
    g:
      group === undefined
        ? ''
        : `, coalesce(${groupTextExpr(dialect, group.type, quoteIdent(group.name))}, '${NULL_GROUP}') AS g`,
  };
}

/** `filtered(x[, g][, y])` with x as it is, bucketed, or the constant 'all'. */
function plainCte(
  parts: Selected,
  q: AggregateQuery,
  schema: readonly SchemaColumn[],
  dialect: SqlDialect,
  params: SqlParams,
): string {
  const xColumn = q.x === undefined ? undefined : resolveColumn('x', q.x, schema);
  const x =
    xColumn === undefined
      ? `'${ALL_X}'`
      : q.bucket === undefined
        ? rawXExpr(quoteIdent(xColumn.name), xColumn.type, dialect)
        : bucketExpr(quoteIdent(xColumn.name), xColumn.type, q.bucket, dialect);
  const where = whereClause(buildConditions(q.filters, schema, dialect, params));
  return `filtered AS (SELECT ${x} AS x${parts.g}${parts.y} FROM ${parts.table}${where})`;
}

/**
 * CTEs ending in `filtered(x[, g][, y])` with x the bin index. Binning takes two steps so that
 * a value lying on an edge lands in the bin histogramEdges says: the rounded `(x - min) / step`
 * is corrected against edges recomputed with histogramEdges' own float arithmetic.
 */
function binnedCtes(
  parts: Selected,
  q: AggregateQuery & { readonly x: string },
  schema: readonly SchemaColumn[],
  dialect: SqlDialect,
  params: SqlParams,
  binRange: BinRange,
): string {
  const edges = aggregateBinEdges(q, binRange);
  const bins = edges.length - 1;
  const low = edges[0] as number;
  const high = edges[bins] as number;
  const xd = finiteDouble(quoteIdent(resolveColumn('x', q.x, schema).name), dialect);
  const typed = (value: number): string => typedPlaceholder(dialect, 'float', params.add(value));
  const conditions = buildConditions(q.filters, schema, dialect, params);
  const lowParam = typed(low);
  conditions.push(`${xd.expr} BETWEEN ${lowParam} AND ${typed(high)}`);
  const base = `base AS (SELECT ${xd.expr} AS xd${parts.g}${parts.y} FROM ${parts.table}${whereClause(conditions)})`;
  const stepParam = typed((high - low) / bins);
  const lastParam = typed(bins - 1);
  const approx = `approx AS (SELECT *, least(floor((xd - ${lowParam}) / ${stepParam}), ${lastParam}) AS k FROM base)`;
  // histogramEdges: edges[i] = min + (width * i) / bins.
  const width = typed(high - low);
  const count = typed(bins);
  const edge = (index: string): string => `(${lowParam} + (${width} * ${index}) / ${count})`;
  const bin =
    `CASE WHEN xd < ${edge('k')} THEN k - 1 ` +
    `WHEN k < ${lastParam} AND xd >= ${edge('(k + 1)')} THEN k + 1 ELSE k END`;
  const keep = `${parts.g === '' ? '' : ', g'}${parts.keep}`;
  return `${base}, ${approx}, filtered AS (SELECT CAST(${bin} AS integer) AS x${keep} FROM approx)`;
}

/**
 * The cells of the chart `q` asks for over `table`, ordered by x (NULL last) then group.
 * With `bins`, x is the bin index (0-based) into aggregateBinEdges(q, options.binRange).
 */
export function buildAggregateSql(
  table: SqlRelation,
  q: AggregateQuery,
  schema: readonly SchemaColumn[],
  dialect: SqlDialect,
  options: AggregateSqlOptions = {},
): SqlStatement {
  const params = createSqlParams();
  const parts = selected(table, q, schema, dialect);
  let filtered: string;
  if (q.x === undefined || q.bins === undefined) {
    filtered = plainCte(parts, q, schema, dialect, params);
  } else if (options.binRange === undefined) {
    throw new TypeError('bins need options.binRange');
  } else {
    filtered = binnedCtes(parts, { ...q, x: q.x }, schema, dialect, params, options.binRange);
  }
  const v = valueExpr(q, schema, dialect, params);
  if (q.group === undefined) {
    const sql =
      `WITH ${filtered} SELECT x, CAST(NULL AS ${textType(dialect)}) AS g, ${v} AS v, count(*) AS n ` +
      'FROM filtered GROUP BY x ORDER BY x NULLS LAST';
    return { sql, params: params.values };
  }
  if (options.topGroups !== undefined) {
    const label =
      options.topGroups.length === 0
        ? `'${OTHER_GROUP}'`
        : `CASE WHEN g IN (${options.topGroups.map((g) => params.add(g)).join(', ')}) THEN g ELSE '${OTHER_GROUP}' END`;
    const sql =
      `WITH ${filtered} SELECT x, ${label} AS g, ${v} AS v, count(*) AS n ` +
      'FROM filtered GROUP BY 1, 2 ORDER BY 1 NULLS LAST, 2';
    return { sql, params: params.values };
  }
  const top = params.add(q.top);
  const topTyped = typedPlaceholder(dialect, 'integer', top);
  const fold = foldable(q, schema, dialect);
  if (fold !== undefined) {
    // One scan: aggregate per (x, g), rank groups on the small cell table, fold the rest into `other`.
    const partials = fold.partials.length === 0 ? '' : `, ${fold.partials.join(', ')}`;
    const sql =
      `WITH ${filtered}, cells AS (SELECT x, g, count(*) AS n${partials} FROM filtered GROUP BY x, g), ` +
      `ranked AS (SELECT g, row_number() OVER (ORDER BY sum(n) DESC, g${binaryCollation(dialect)}) AS r FROM cells GROUP BY g) ` +
      `SELECT cells.x AS x, CASE WHEN ranked.r <= ${topTyped} THEN cells.g ELSE '${OTHER_GROUP}' END AS g, ` +
      `${fold.value} AS v, sum(cells.n) AS n FROM cells JOIN ranked ON cells.g = ranked.g ` +
      'GROUP BY 1, 2 ORDER BY 1 NULLS LAST, 2';
    return { sql, params: params.values };
  }
  // Ties in size are broken by label so the same groups make the top N every time.
  const groups = `top_groups AS (SELECT g, row_number() OVER (ORDER BY count(*) DESC, g${binaryCollation(dialect)}) AS r FROM filtered GROUP BY g)`;
  const sql =
    `WITH ${filtered}, ${groups} ` +
    `SELECT filtered.x AS x, CASE WHEN top_groups.r <= ${topTyped} THEN filtered.g ELSE '${OTHER_GROUP}' END AS g, ` +
    `${v} AS v, count(*) AS n FROM filtered JOIN top_groups ON filtered.g = top_groups.g ` +
    'GROUP BY 1, 2 ORDER BY 1 NULLS LAST, 2';
  return { sql, params: params.values };
}

/**
 * The group labels of the filtered rows, largest first (ties by label), one more than `top`
 * so the caller knows whether an `other` series exists. Column `g`, then `n`.
 */
export function buildTopGroupsSql(
  table: SqlRelation,
  q: AggregateQuery,
  schema: readonly SchemaColumn[],
  dialect: SqlDialect,
): SqlStatement {
  if (q.group === undefined) throw new TypeError('buildTopGroupsSql: the query has no group');
  const params = createSqlParams();
  const parts = selected(table, q, schema, dialect);
  const where = whereClause(buildConditions(q.filters, schema, dialect, params));
  const limit = typedPlaceholder(dialect, 'integer', params.add(q.top + 1));
  const sql =
    `SELECT g, count(*) AS n FROM (SELECT 1 AS one${parts.g} FROM ${parts.table}${where}) AS grouped ` +
    `GROUP BY g ORDER BY n DESC, g${binaryCollation(dialect)} LIMIT ${limit}`;
  return { sql, params: params.values };
}

/** Aggregates whose per-cell partials can be combined again: `other` folds from cells. */
export function isFoldable(q: Pick<AggregateQuery, 'agg' | 'measure'>): boolean {
  // A measure's `other` group is computed from its rows after the top groups are known.
  return q.measure === undefined && q.agg !== 'median' && q.agg !== 'distinct';
}

/** Per-cell partial aggregates (over `y`) and how cells combine into one value. */
function foldable(
  q: AggregateQuery,
  schema: readonly SchemaColumn[],
  dialect: SqlDialect,
): { partials: string[]; value: string } | undefined {
  if (!isFoldable(q)) return undefined;
  const double = doubleType(dialect);
  switch (q.agg) {
    case 'count':
      return { partials: [], value: `CAST(sum(cells.n) AS ${double})` };
    case 'sum':
      return { partials: [`sum(y) AS p`], value: `CAST(sum(cells.p) AS ${double})` };
    case 'mean':
      return {
        partials: [`sum(CAST(y AS ${double})) AS p`, 'count(y) AS m'],
        value: `sum(cells.p) / nullif(CAST(sum(cells.m) AS ${double}), 0)`,
      };
    case 'min':
    case 'max':
      return {
        partials: [`${valueExpr(q, schema, dialect, createSqlParams())} AS p`],
        value: `${q.agg}(cells.p)`,
      };
    default:
      return undefined;
  }
}
