/**
 * SQLite files as datasets. DuckDB's sqlite extension is downloaded at run time, which closed
 * production networks do not allow, so we read SQLite with sql.js (SQLite compiled to
 * WebAssembly, shipped in the npm package) and stage each table as CSV for DuckDB.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Database, SqlJsStatic } from 'sql.js';
import type { ColumnType } from '../shared/api-types.js';

let sqlJs: Promise<SqlJsStatic> | undefined;

/** Loaded on first use: most data dirs hold no SQLite file, and start-up time matters. */
function loadSqlJs(): Promise<SqlJsStatic> {
  const require = createRequire(import.meta.url);
  sqlJs ??= import('sql.js').then(({ default: initSqlJs }) =>
    initSqlJs({ locateFile: (file: string) => require.resolve(`sql.js/dist/${file}`) }),
  );
  return sqlJs;
}

async function openDatabase(file: string): Promise<Database> {
  const SQL = await loadSqlJs();
  return new SQL.Database(await readFile(file));
}

/** User tables of a SQLite file (not sqlite_* internals). */
export async function listSqliteTables(file: string): Promise<string[]> {
  const db = await openDatabase(file);
  try {
    const result = db.exec(
      "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    return (result[0]?.values ?? []).map((row) => String(row[0]));
  } finally {
    db.close();
  }
}

/** SQLite declared type → our column type, by SQLite's own affinity rules. */
export function affinityType(declared: string): ColumnType {
  const type = declared.toUpperCase();
  if (type.includes('INT')) return 'integer';
  if (type.includes('BOOL')) return 'boolean';
  if (type.includes('DATETIME') || type.includes('TIMESTAMP')) return 'timestamp';
  if (type === 'DATE') return 'date';
  if (type.includes('CHAR') || type.includes('CLOB') || type.includes('TEXT')) return 'string';
  if (
    type.includes('REAL') ||
    type.includes('FLOA') ||
    type.includes('DOUB') ||
    type.includes('NUMERIC') ||
    type.includes('DECIMAL')
  ) {
    return 'float';
  }
  return 'string';
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Uint8Array) return csvField(Buffer.from(value).toString('base64'));
  const text = String(value);
  return /[",\r\n]/.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface StagedTable {
  readonly columns: { name: string; type: ColumnType }[];
  readonly rows: number;
}

/** Write one table as CSV (header row; empty field = NULL, "" = empty string) for DuckDB. */
export async function stageSqliteTable(
  file: string,
  table: string,
  csvFile: string,
): Promise<StagedTable> {
  const db = await openDatabase(file);
  try {
    const quoted = `"${table.replaceAll('"', '""')}"`;
    const info = db.exec(`PRAGMA table_info(${quoted})`)[0];
    const columns = (info?.values ?? []).map((row) => ({
      name: String(row[1]),
      type: affinityType(String(row[2] ?? '')),
    }));
    const lines: string[] = [columns.map((column) => csvField(column.name)).join(',')];
    const statement = db.prepare(`SELECT * FROM ${quoted}`);
    let rows = 0;
    while (statement.step()) {
      lines.push(statement.get().map(csvField).join(','));
      rows++;
    }
    statement.free();
    await writeFile(csvFile, lines.join('\n') + '\n');
    return { columns, rows };
  } finally {
    db.close();
  }
}
