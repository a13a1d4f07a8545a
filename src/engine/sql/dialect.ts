/**
 * The few places where DuckDB and PostgreSQL spell things differently. Everything else the
 * builders write is common SQL that both accept.
 */
import type { ColumnType } from '../../shared/api-types.js';
import type { SqlDialect } from './query-types.js';

const DUCKDB_CASTS: Readonly<Record<ColumnType, string | undefined>> = {
  integer: 'BIGINT',
  float: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  string: undefined,
};

// Timestamps stay untyped for PostgreSQL: it infers the parameter's type from the column it is
// compared with, so the same `…Z` string is read correctly by `timestamp` columns (the zone is
// ignored, and values are normalized to UTC) and by `timestamptz` columns (the zone is applied).
const POSTGRES_CASTS: Readonly<Record<ColumnType, string | undefined>> = {
  integer: 'bigint',
  float: 'double precision',
  boolean: 'boolean',
  date: 'date',
  timestamp: undefined,
  string: undefined,
};

/** A placeholder typed for comparison with a column of `type`. */
export function typedPlaceholder(
  dialect: SqlDialect,
  type: ColumnType,
  placeholder: string,
): string {
  if (dialect === 'duckdb') {
    const cast = DUCKDB_CASTS[type];
    return cast === undefined ? placeholder : `CAST(${placeholder} AS ${cast})`;
  }
  const cast = POSTGRES_CASTS[type];
  return cast === undefined ? placeholder : `${placeholder}::${cast}`;
}

/** The 64-bit float type's name. */
export function doubleType(dialect: SqlDialect): string {
  return dialect === 'duckdb' ? 'DOUBLE' : 'double precision';
}

/** The variable-length text type's name. */
export function textType(dialect: SqlDialect): string {
  return dialect === 'duckdb' ? 'VARCHAR' : 'text';
}

/**
 * A column's value as the text that labels its group, the same in both engines. PostgreSQL
 * prints a float the shortest way (`2`, `NaN`, `Infinity`); DuckDB prints `2.0`, `nan`, `inf`,
 * so its float text is rewritten to PostgreSQL's. (They still differ for integral floats with
 * 16 digits, which PostgreSQL writes with an exponent from 1e15 and DuckDB from 1e16.)
 */
export function groupTextExpr(dialect: SqlDialect, type: ColumnType, column: string): string {
  const text = `CAST(${column} AS ${textType(dialect)})`;
  if (dialect !== 'duckdb' || type !== 'float') return text;
  return (
    `CASE WHEN isnan(${column}) THEN 'NaN' ` +
    `WHEN isinf(${column}) THEN CASE WHEN ${column} > 0 THEN 'Infinity' ELSE '-Infinity' END ` +
    `ELSE regexp_replace(${text}, '\\.0$', '') END`
  );
}

/**
 * What follows a text expression that is ordered or compared (`ORDER BY`, `<`, ranking ties), so
 * that strings sort by code point (UTF-8 byte order) in both engines. DuckDB's default collation
 * is already binary; PostgreSQL uses the column's or the database's collation, and a linguistic
 * one (en_US, ICU) puts `B` before `a` differently, ignores punctuation at first, and so on.
 * Only for ordering: `ilike` keeps the column's collation, whose lower case knows Unicode
 * (under "C" it would fold ASCII only).
 */
export function binaryCollation(dialect: SqlDialect): string {
  return dialect === 'duckdb' ? '' : ' COLLATE "C"';
}
