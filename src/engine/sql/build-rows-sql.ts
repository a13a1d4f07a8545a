/**
 * RowsQuery → one SELECT with bound parameters (filters, LIMIT and OFFSET), and the matching
 * COUNT(*) for pagination.
 */
import { buildConditions, whereClause } from './build-where-sql.js';
import { binaryCollation } from './dialect.js';
import { type SqlRelation, quoteIdent, quoteRelation, resolveColumn } from './identifiers.js';
import type {
  OrderTerm,
  RowsQuery,
  SchemaColumn,
  SqlDialect,
  SqlStatement,
} from './query-types.js';
import { createSqlParams } from './sql-params.js';

/**
 * `ORDER BY` terms. NULLS is always spelled out because the engines' defaults differ (DuckDB
 * puts nulls last both ways, PostgreSQL first when descending); unspecified means last, so a
 * page of "largest first" starts with values. Strings sort by code point in both engines.
 */
function orderClause(
  order: readonly OrderTerm[],
  schema: readonly SchemaColumn[],
  dialect: SqlDialect,
): string {
  if (order.length === 0) return '';
  const terms = order.map((term) => {
    const column = resolveColumn('order', term.column, schema);
    const collate = column.type === 'string' ? binaryCollation(dialect) : '';
    return `${quoteIdent(column.name)}${collate} ${term.direction.toUpperCase()} NULLS ${(term.nulls ?? 'last').toUpperCase()}`;
  });
  return ` ORDER BY ${terms.join(', ')}`;
}

/**
 * The page of rows `q` asks for from `table` (a relation name, schema-qualified as an array of
 * parts; it is quoted here). Placeholders are `$1…$n` in the order of `params`.
 */
export function buildRowsSql(
  table: SqlRelation,
  q: RowsQuery,
  schema: readonly SchemaColumn[],
  dialect: SqlDialect,
): SqlStatement {
  const params = createSqlParams();
  const columns = q.select.map((name) => quoteIdent(resolveColumn('select', name, schema).name));
  const where = whereClause(buildConditions(q.filters, schema, dialect, params));
  const limit = params.add(q.limit);
  const offset = params.add(q.offset);
  const sql =
    `SELECT ${columns.length === 0 ? '*' : columns.join(', ')} FROM ${quoteRelation(table)}` +
    `${where}${orderClause(q.order, schema, dialect)} LIMIT ${limit} OFFSET ${offset}`;
  return { sql, params: params.values };
}

/** How many rows of `table` match the filters of `q` (as column `n`), ignoring paging. */
export function buildCountSql(
  table: SqlRelation,
  q: Pick<RowsQuery, 'filters'>,
  schema: readonly SchemaColumn[],
  dialect: SqlDialect,
): SqlStatement {
  const params = createSqlParams();
  const where = whereClause(buildConditions(q.filters, schema, dialect, params));
  return {
    sql: `SELECT count(*) AS n FROM ${quoteRelation(table)}${where}`,
    params: params.values,
  };
}
