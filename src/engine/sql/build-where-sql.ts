/**
 * Filters → SQL conditions. Column names come from the schema and are quoted; every value is a
 * bound parameter, typed for the column so both engines compare like with like.
 */
import { binaryCollation, typedPlaceholder } from './dialect.js';
import { quoteIdent, resolveColumn } from './identifiers.js';
import type { Filter, FilterOp, SchemaColumn, SqlDialect } from './query-types.js';
import type { SqlParams } from './sql-params.js';

const COMPARISONS: Partial<Readonly<Record<FilterOp, string>>> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};

const ORDERING: ReadonlySet<FilterOp> = new Set(['gt', 'gte', 'lt', 'lte']);

// DuckDB's LIKE has no escape character unless one is declared, PostgreSQL's is the backslash:
// declaring it makes `\%` and `\_` mean the same in both.
const LIKE_ESCAPE = `ESCAPE '\\'`;

function onlyValue(filter: Filter): Filter['values'][number] {
  const [value] = filter.values;
  if (filter.values.length !== 1 || value === undefined) {
    throw new TypeError(`${filter.op} filter on "${filter.column}" needs exactly one value`);
  }
  return value;
}

function condition(
  filter: Filter,
  schema: readonly SchemaColumn[],
  dialect: SqlDialect,
  params: SqlParams,
): string {
  const column = resolveColumn('filter', filter.column, schema);
  const name = quoteIdent(column.name);
  const bind = (value: Filter['values'][number]): string =>
    typedPlaceholder(dialect, column.type, params.add(value));
  const comparison = COMPARISONS[filter.op];
  if (comparison !== undefined) {
    // gt/lt on text follow code points, as `order` does (equality is exact either way).
    const collate =
      column.type === 'string' && ORDERING.has(filter.op) ? binaryCollation(dialect) : '';
    return `${name}${collate} ${comparison} ${bind(onlyValue(filter))}`;
  }
  switch (filter.op) {
    case 'like':
    case 'ilike':
      return `${name} ${filter.op.toUpperCase()} ${params.add(onlyValue(filter))} ${LIKE_ESCAPE}`;
    case 'in':
      // `IN ()` is a syntax error; an empty list (PostgREST `in.()`) matches nothing.
      return filter.values.length === 0
        ? 'FALSE'
        : `${name} IN (${filter.values.map(bind).join(', ')})`;
    case 'is': {
      const value = onlyValue(filter);
      if (value === true) return `${name} IS TRUE`;
      if (value === false) return `${name} IS FALSE`;
      if (value === null) return `${name} IS NULL`;
      throw new TypeError(`is filter on "${column.name}" needs null, true or false`);
    }
    default:
      throw new TypeError(`unsupported filter operator ${filter.op}`);
  }
}

/** One SQL condition per filter, in order, adding their values to `params`. */
export function buildConditions(
  filters: readonly Filter[],
  schema: readonly SchemaColumn[],
  dialect: SqlDialect,
  params: SqlParams,
): string[] {
  return filters.map((filter) => {
    const sql = condition(filter, schema, dialect, params);
    return filter.negate ? `NOT (${sql})` : sql;
  });
}

/** ` WHERE a AND b`, or nothing when there are no conditions. */
export function whereClause(conditions: readonly string[]): string {
  return conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
}
