/**
 * How DuckDB reads each kind of source, and how raw DuckDB types map to Dashport's six column
 * types. The SQL built here only ever contains our own file paths (escaped as literals) and
 * column names from DuckDB's own DESCRIBE (quoted), never request input.
 */
import type { ColumnType } from '../shared/api-types.js';
import type { FileSource } from './discover.js';
import { quoteIdent } from './sql/identifiers.js';

/** A SQL string literal. */
export function sqlString(value: string): string {
  if (value.includes('\0')) throw new Error('NUL byte in a SQL literal');
  return `'${value.replaceAll("'", "''")}'`;
}

function fileList(files: readonly string[]): string {
  return `[${files.map(sqlString).join(', ')}]`;
}

export interface ReaderOptions {
  /** CSV: the delimiter, when it must not be sniffed. */
  readonly delimiter?: string;
  /** CSV: tables that collect rejected lines (file, line, reason) instead of guessing past them. */
  readonly rejects?: { readonly table: string; readonly scan: string };
}

/** The table expression that reads a file source (SQLite sources are staged as CSV first). */
export function readerSql(
  source: Pick<FileSource, 'kind' | 'files'>,
  options: ReaderOptions = {},
): string {
  const files = fileList(source.files);
  switch (source.kind) {
    case 'csv': {
      // Folders of CSV files must share one schema: DuckDB cannot collect rejects across union_by_name.
      const delimiter =
        options.delimiter === undefined ? '' : `, delim = ${sqlString(options.delimiter)}`;
      const rejects =
        options.rejects === undefined
          ? ''
          : `, store_rejects = true, rejects_table = ${sqlString(options.rejects.table)}, rejects_scan = ${sqlString(options.rejects.scan)}`;
      // RFC 4180: a quoted empty field ("") is an empty string; only an unquoted empty one is NULL.
      return `read_csv(${files}${delimiter}, quote = '"', escape = '"', allow_quoted_nulls = false${rejects})`;
    }
    case 'parquet':
      return `read_parquet(${files}, union_by_name = true)`;
    case 'json':
      return `read_json(${files}, format = 'auto', union_by_name = true)`;
    case 'ndjson':
      return `read_json(${files}, format = 'newline_delimited', union_by_name = true)`;
    case 'sqlite':
      throw new Error('SQLite sources are staged before they are read');
    case 'sql':
      throw new Error('SQL datasets are staged before they are read');
  }
}

/** Our column type for a DuckDB type name. */
export function columnTypeOf(duckType: string): ColumnType {
  const type = duckType.toUpperCase();
  if (
    /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(
      type,
    )
  ) {
    return 'integer';
  }
  if (/^(FLOAT|DOUBLE|REAL)$/.test(type) || type.startsWith('DECIMAL')) return 'float';
  if (type === 'BOOLEAN') return 'boolean';
  if (type === 'DATE') return 'date';
  if (type.startsWith('TIMESTAMP')) return 'timestamp';
  return 'string';
}

const TARGET_SQL_TYPE: Record<ColumnType, string> = {
  integer: 'BIGINT',
  float: 'DOUBLE',
  string: 'VARCHAR',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

/** The SQL type a column of ours is stored as in the cache. */
export function sqlTypeOf(type: ColumnType): string {
  return TARGET_SQL_TYPE[type];
}

/**
 * The projection that normalizes a column into the cache: decimals become doubles, zoned
 * timestamps become UTC, nested and exotic types become text, and `types:` overrides apply.
 */
export function castExpression(
  name: string,
  duckType: string,
  override: ColumnType | undefined,
): string {
  const column = quoteIdent(name);
  const natural = columnTypeOf(duckType);
  const target = override ?? natural;
  const upper = duckType.toUpperCase();
  if (target === natural && override === undefined) {
    if (natural === 'integer')
      return /^(HUGEINT|UBIGINT|UHUGEINT)$/.test(upper)
        ? column
        : `CAST(${column} AS BIGINT) AS ${column}`;
    if (natural === 'timestamp' && upper.includes('TIME ZONE')) {
      return `CAST(timezone('UTC', ${column}) AS TIMESTAMP) AS ${column}`;
    }
    if (natural === 'string' && upper === 'VARCHAR') return column;
    if (natural === 'boolean' || natural === 'date') return column;
  }
  if (target === 'timestamp' && upper.includes('TIME ZONE')) {
    return `CAST(timezone('UTC', ${column}) AS TIMESTAMP) AS ${column}`;
  }
  return `CAST(${column} AS ${sqlTypeOf(target)}) AS ${column}`;
}
