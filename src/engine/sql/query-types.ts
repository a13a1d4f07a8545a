/**
 * Parsed, validated queries. The parsers in this folder turn URL parameters into these
 * (throwing BadParameterError / UnknownColumnError), and the builders turn these into SQL
 * text plus bound parameters. Column names only ever come from the schema.
 */
import type { ColumnType } from '../../shared/api-types.js';
import type { Measure } from './measure-expression.js';

export interface SchemaColumn {
  readonly name: string;
  readonly type: ColumnType;
}

export type FilterOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like' | 'ilike' | 'in' | 'is';

/** A value already coerced to the column's type; dates and timestamps as ISO strings. */
export type BoundValue = string | number | boolean | bigint | null;

export interface Filter {
  readonly column: string;
  readonly op: FilterOp;
  /** `not.` prefix (PostgREST): negates the condition. */
  readonly negate: boolean;
  /** One value for scalar ops, several for `in`, `null`/`true`/`false` for `is`. */
  readonly values: readonly BoundValue[];
}

export interface OrderTerm {
  readonly column: string;
  readonly direction: 'asc' | 'desc';
  readonly nulls?: 'first' | 'last';
}

export type RowsFormat = 'json' | 'csv' | 'ndjson' | 'parquet' | 'arrow';

export interface RowsQuery {
  readonly select: readonly string[];
  readonly order: readonly OrderTerm[];
  readonly limit: number;
  readonly offset: number;
  readonly filters: readonly Filter[];
  readonly format: RowsFormat;
}

export type AggFunction = 'count' | 'sum' | 'mean' | 'min' | 'max' | 'median' | 'distinct';
export type TimeBucket = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

export interface AggregateQuery {
  /** Absent: one value over all filtered rows. */
  readonly x: string | undefined;
  readonly bucket: TimeBucket | undefined;
  /** Histogram a numeric x into this many equal-width bins. */
  readonly bins: number | undefined;
  readonly y: string | undefined;
  readonly agg: AggFunction;
  readonly group: string | undefined;
  readonly top: number;
  readonly points: number | undefined;
  readonly filters: readonly Filter[];
  /**
   * A computed measure given as `y` (`sum(revenue) / sum(units)`): when set, it is the value of
   * each cell, and `y` and `agg` are unused.
   */
  readonly measure?: Measure;
}

/** SQL text with `$1`-style placeholders and the values to bind, in order. */
export interface SqlStatement {
  readonly sql: string;
  readonly params: readonly BoundValue[];
}

/** Raw query-string values as Fastify gives them. */
export type RawQuery = Readonly<Record<string, string | string[] | undefined>>;

export const ROWS_DEFAULT_LIMIT = 100;
export const ROWS_MAX_LIMIT = 10_000;
export const AGGREGATE_DEFAULT_TOP = 10;
export const AGGREGATE_MAX_TOP = 100;
export const AGGREGATE_MAX_BINS = 1000;
export const AGGREGATE_MAX_POINTS = 100_000;
/** Parameter names of the endpoints; they win over column names of the same name. */
export const ROWS_PARAMETERS = ['select', 'order', 'limit', 'offset', 'format'] as const;
export const AGGREGATE_PARAMETERS = [
  'x',
  'bucket',
  'bins',
  'y',
  'agg',
  'group',
  'top',
  'points',
] as const;

/** The SQL the builders write: DuckDB (file datasets) or PostgreSQL (pushdown). */
export type SqlDialect = 'duckdb' | 'postgres';
