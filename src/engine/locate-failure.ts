/**
 * A failed build described for the log, `cache status`, the API and /health: the file, the
 * line and the reason. DuckDB does not always name the line (or names the wrong one), so for
 * the common cases the file is read again to find it.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DataError } from '../errors.js';
import type { BuildFailure } from './cache-store.js';
import { findUnterminatedQuote } from './csv-quote-scan.js';
import type { DuckDb } from './duckdb.js';
import type { FileSource } from './discover.js';
import { quoteIdent } from './sql/identifiers.js';

/** DuckDB quotes the failed statement as `LINE 1: DESCRIBE SELECT …`: the SQL's line, not the file's. */
const SQL_CONTEXT = /\s*\bLINE \d+:[\s\S]*$/;

/** `Line: 12`, `line 12`, `on line 12` in DuckDB's CSV and JSON errors. */
export function lineFromMessage(message: string): number | undefined {
  const match = /\bline(?: number)?\s*:?\s*(\d+)/i.exec(message.replace(SQL_CONTEXT, ''));
  return match ? Number(match[1]) : undefined;
}

export function describeFailure(error: unknown, source: FileSource): BuildFailure {
  const raw = (error instanceof Error ? error.message : String(error)).replace(SQL_CONTEXT, '');
  const message = raw.split('\n').slice(0, 6).join(' ').replace(/\s+/g, ' ').trim();
  const fileMatch =
    (error instanceof DataError ? error.file : undefined) ??
    source.files.find((file) => raw.includes(file)) ??
    source.files[0];
  const line = (error instanceof DataError ? error.line : undefined) ?? lineFromMessage(raw);
  return {
    at: new Date().toISOString(),
    message: `${fileMatch === undefined ? source.location : path.relative(path.dirname(source.files[0] ?? ''), fileMatch) || source.location}${line === undefined ? '' : `:${line}`}: ${message}`,
    ...(fileMatch === undefined ? {} : { file: fileMatch }),
    ...(line === undefined ? {} : { line }),
  };
}

/**
 * DuckDB (1.5) reports a malformed NDJSON record one line after the line it is on: name the
 * first line that is not a JSON value ourselves, with JSON.parse's reason.
 */
export async function locateNdjsonFailure(error: unknown, source: FileSource): Promise<unknown> {
  if (!(error instanceof Error) || !/malformed json/i.test(error.message)) return error;
  for (const file of source.files) {
    let line = 0;
    for await (const text of createInterface({
      input: createReadStream(file),
      crlfDelay: Infinity,
    })) {
      line += 1;
      if (text.trim() === '') continue;
      try {
        JSON.parse(text);
      } catch (parseError) {
        return new DataError(`not a JSON value: ${(parseError as Error).message}`, { file, line });
      }
    }
  }
  return error;
}

/** DuckDB's sniffer fails without a line on an unterminated quote: find that line ourselves. */
export async function locateSnifferFailure(error: unknown, source: FileSource): Promise<unknown> {
  if (!(error instanceof Error) || !/sniffing file/i.test(error.message)) return error;
  for (const file of source.files) {
    const line = await findUnterminatedQuote(file).catch(() => undefined);
    if (line !== undefined) {
      return new DataError('unterminated quoted field (a " opens a field that never closes)', {
        file,
        line,
      });
    }
  }
  return new DataError(
    `not a consistent CSV file: DuckDB could not detect its delimiter, quoting and columns (${error.message.split('\n')[0] ?? ''})`,
    { ...(source.files[0] === undefined ? {} : { file: source.files[0] }) },
  );
}

/** Fail the build with file, line and reason when the reader rejected any line. */
export async function assertNoRejects(
  db: DuckDb,
  tables: { table: string; scan: string },
): Promise<void> {
  const result = await db.query(
    `SELECT s.file_path, e.line, e.column_name, e.error_type, e.error_message FROM ${quoteIdent(tables.table)} e JOIN ${quoteIdent(tables.scan)} s USING (scan_id, file_id) ORDER BY s.file_path, e.line LIMIT 1`,
  );
  const row = result.rows[0];
  if (!row) return;
  const [file, line, column, type, message] = row;
  const where =
    column === null || column === undefined || column === '' ? '' : ` (column ${String(column)})`;
  throw new DataError(`${String(type).toLowerCase()}${where}: ${String(message)}`, {
    file: String(file),
    line: Number(line),
  });
}
