/**
 * Reads a `<id>.sql` file and has DuckDB's parser judge it (sql-statement.ts): the statement
 * is only parsed here (`json_serialize_sql` takes the text as a bound value), never run.
 */
import { readFile } from 'node:fs/promises';
import type { DuckDb } from '../duckdb.js';
import {
  type SerializedSql,
  type StatementCheck,
  type StatementSpan,
  checkStatement,
  statementSpans,
} from './sql-statement.js';

export interface SqlDatasetText {
  readonly text: string;
  readonly check: StatementCheck;
}

async function serialize(db: DuckDb, sql: string): Promise<SerializedSql> {
  const result = await db.query('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  return JSON.parse(String(result.rows[0]?.[0] ?? '{"error":true}')) as SerializedSql;
}

/** The file's text and DuckDB's verdict on it. */
export async function readSqlDataset(db: DuckDb, file: string): Promise<SqlDatasetText> {
  const text = await readFile(file, 'utf8');
  return { text, check: await checkSqlText(db, text) };
}

/** DuckDB's verdict on a statement text (exported for the refusal tests). */
export async function checkSqlText(db: DuckDb, text: string): Promise<StatementCheck> {
  const parsed = await serialize(db, text);
  let firstNonSelect: StatementSpan | undefined;
  if (parsed.error && parsed.error_type !== 'parser') {
    // Some statement is not a SELECT: parse each one alone to name it.
    const bytes = Buffer.from(text, 'utf8');
    const spans = statementSpans(text);
    for (const [i, span] of spans.entries()) {
      const end = spans[i + 1]?.start ?? bytes.length;
      const piece = bytes.subarray(span.start, end).toString('utf8');
      if ((await serialize(db, piece)).error) {
        firstNonSelect = span;
        break;
      }
    }
  }
  return checkStatement(text, parsed, firstNonSelect);
}
