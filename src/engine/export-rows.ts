/**
 * Rows as files for analysts' tools: Parquet written by DuckDB itself, Arrow IPC (stream
 * format) built with apache-arrow from the typed rows. Both are bounded by the rows limit.
 * A page fetched from another engine (PostgreSQL) is exported through DuckDB too, so every
 * kind of dataset exports the same files.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  Bool,
  type DataType,
  DateMillisecond,
  Float64,
  Int64,
  Table,
  TimestampMillisecond,
  Utf8,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import type { CellValue, ColumnType } from '../shared/api-types.js';
import type { DuckDb } from './duckdb.js';
import { sqlString, sqlTypeOf } from './source-sql.js';
import { quoteIdent } from './sql/identifiers.js';
import type { SqlStatement } from './sql/query-types.js';
import { toCell } from './cell.js';

/** Run the statement into a temporary Parquet file and return its bytes. */
export async function exportParquet(db: DuckDb, statement: SqlStatement): Promise<Buffer> {
  const file = path.join(
    os.tmpdir(),
    `dashport-export-${process.pid}-${randomBytes(6).toString('hex')}.parquet`,
  );
  try {
    await db.run(
      `COPY (${statement.sql}) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`,
      statement.params,
    );
    return await readFile(file);
  } finally {
    await rm(file, { force: true });
  }
}

function arrowType(type: ColumnType): DataType {
  switch (type) {
    case 'integer':
      return new Int64();
    case 'float':
      return new Float64();
    case 'boolean':
      return new Bool();
    case 'date':
      return new DateMillisecond();
    case 'timestamp':
      return new TimestampMillisecond();
    case 'string':
      return new Utf8();
  }
}

function arrowValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'bigint' ? value : BigInt(String(value));
    case 'float':
      return Number(value);
    case 'boolean':
      return Boolean(value);
    case 'date':
    case 'timestamp':
      return typeof value === 'string'
        ? new Date(value.length === 10 ? `${value}T00:00:00Z` : value)
        : value;
    case 'string':
      return String(value);
  }
}

/** Arrow IPC stream bytes of the statement's result, typed from the dataset schema. */
export async function exportArrow(
  db: DuckDb,
  statement: SqlStatement,
  types: ReadonlyMap<string, ColumnType>,
): Promise<Uint8Array> {
  const result = await db.query(statement.sql, statement.params);
  const vectors = Object.fromEntries(
    result.columns.map((name, index) => {
      const type = types.get(name) ?? 'string';
      const values = result.rows.map((row) =>
        arrowValue(type, toCell(row[index], result.types[index])),
      );
      return [name, vectorFromArray(values, arrowType(type))];
    }),
  );
  return tableToIPC(new Table(vectors), 'stream');
}

/** A page of rows read elsewhere, as Parquet or Arrow: through a temporary NDJSON file. */
export async function exportPage(
  db: DuckDb,
  page: { readonly columns: readonly string[]; readonly rows: readonly (readonly CellValue[])[] },
  types: ReadonlyMap<string, ColumnType>,
  format: 'parquet' | 'arrow',
): Promise<Uint8Array> {
  const file = path.join(
    os.tmpdir(),
    `dashport-page-export-${process.pid}-${randomBytes(6).toString('hex')}.ndjson`,
  );
  const lines = page.rows.map((row) =>
    JSON.stringify(Object.fromEntries(page.columns.map((name, i) => [name, row[i] ?? null]))),
  );
  await writeFile(file, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  try {
    const columns = page.columns
      .map((name) => `${sqlString(name)}: ${sqlString(sqlTypeOf(types.get(name) ?? 'string'))}`)
      .join(', ');
    const statement = {
      sql: `SELECT ${page.columns.map(quoteIdent).join(', ')} FROM read_json(${sqlString(file)}, format = 'newline_delimited', columns = {${columns}})`,
      params: [],
    };
    return format === 'parquet'
      ? await exportParquet(db, statement)
      : await exportArrow(
          db,
          statement,
          new Map(page.columns.map((name) => [name, types.get(name) ?? 'string'])),
        );
  } finally {
    await rm(file, { force: true });
  }
}
