/**
 * Identifiers in SQL text. Column names only ever reach SQL through `resolveColumn` (a lookup in
 * the dataset's schema) and `quoteIdent`, so a name from a URL can never become SQL syntax.
 */
import { DataError, UnknownColumnError } from '../../errors.js';
import type { SchemaColumn } from './query-types.js';

/**
 * A double-quoted identifier, valid in DuckDB and PostgreSQL: inner quotes doubled, so any
 * name (spaces, quotes, unicode, keywords) stays one identifier.
 */
export function quoteIdent(name: string): string {
  // Neither engine accepts NUL in an identifier, and a zero-length quoted identifier is a syntax
  // error in PostgreSQL; both can only come from a broken source, never from a valid schema.
  if (name.length === 0) throw new DataError('an identifier cannot be empty');
  if (name.includes('\0')) {
    throw new DataError(`identifier ${JSON.stringify(name)} contains a NUL character`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * What a query reads: a relation name, schema-qualified when given as several parts, or the
 * operator's own SELECT (a SQL dataset run in PostgreSQL), never text from a request.
 */
export type SqlRelation = string | readonly string[] | { readonly select: string };

/** A SELECT as a parenthesised subquery, on lines of its own so a trailing `--` comment stays one. */
export function subquery(select: string): string {
  return `(\n${select}\n)`;
}

/** The FROM item of `relation`: `"public"."spots"`, or `(SELECT …) AS "dataset"`. */
export function quoteRelation(relation: SqlRelation): string {
  if (typeof relation === 'object' && 'select' in relation) {
    return `${subquery(relation.select)} AS "dataset"`;
  }
  const parts = typeof relation === 'string' ? [relation] : relation;
  if (parts.length === 0) throw new DataError('a relation name needs at least one part');
  return parts.map(quoteIdent).join('.');
}

/** The schema column called `name` (exact, case-sensitive), or UnknownColumnError naming `parameter`. */
export function resolveColumn(
  parameter: string,
  name: string,
  schema: readonly SchemaColumn[],
): SchemaColumn {
  const column = schema.find((candidate) => candidate.name === name);
  if (column === undefined) {
    throw new UnknownColumnError(
      parameter,
      name,
      schema.map((candidate) => candidate.name),
    );
  }
  return column;
}
