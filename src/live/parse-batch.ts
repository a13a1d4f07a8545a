/**
 * The body of `POST /api/v1/datasets/{id}/rows` → records, by Content-Type: a JSON array of
 * objects (`application/json`), one object per line (`application/x-ndjson`,
 * `application/ndjson`, `application/jsonl`) or CSV with a header line (`text/csv`). Each record
 * remembers where it came from, so a validation error can point at it.
 */
import { DashportError } from '../errors.js';
import { parseCsv } from './parse-csv.js';

export type BatchFormat = 'json' | 'ndjson' | 'csv';

/** Media types accepted, for messages and the content-type parsers. */
export const BATCH_MEDIA_TYPES: Readonly<Record<string, BatchFormat>> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  'text/csv': 'csv',
};

export interface BatchRecord {
  /** How to name the record in an error: `row 3` or `line 7`. */
  readonly where: string;
  readonly values: Readonly<Record<string, unknown>>;
}

function badBody(message: string): DashportError {
  return new DashportError('DASHPORT_ERR_BAD_BODY', `body: ${message}`, { parameter: 'body' });
}

/** The batch format of a Content-Type header, or a 415 listing the accepted types. */
export function batchFormatOf(contentType: string | undefined): BatchFormat {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const format = BATCH_MEDIA_TYPES[type];
  if (format === undefined) {
    throw new DashportError(
      'DASHPORT_ERR_UNSUPPORTED_MEDIA_TYPE',
      `Content-Type must be one of ${Object.keys(BATCH_MEDIA_TYPES).join(', ')}, got "${type || '(none)'}"`,
      { parameter: 'Content-Type' },
    );
  }
  return format;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Records of a JSON array (already parsed, or text). */
export function recordsFromJson(body: unknown): BatchRecord[] {
  let value = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      value = JSON.parse(body.toString());
    } catch (error) {
      throw badBody(`not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!Array.isArray(value)) throw badBody('a JSON body must be an array of objects, one per row');
  return value.map((item: unknown, index) => {
    if (!isPlainObject(item))
      throw badBody(`row ${index + 1} is not an object; each row is {"column": value, …}`);
    return { where: `row ${index + 1}`, values: item };
  });
}

/** Records of NDJSON text: one object per non-blank line. */
export function recordsFromNdjson(text: string): BatchRecord[] {
  const records: BatchRecord[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw badBody(`line ${index + 1} is not valid JSON: ${(error as Error).message}`);
    }
    if (!isPlainObject(value))
      throw badBody(`line ${index + 1} is not an object; each line is {"column": value, …}`);
    records.push({ where: `line ${index + 1}`, values: value });
  }
  return records;
}

/** Records of CSV text with a header line; unquoted empty fields are absent values. */
export function recordsFromCsv(text: string): BatchRecord[] {
  const table = parseCsv(text);
  return table.records.map((record) => ({
    where: `line ${record.line}`,
    values: Object.fromEntries(table.header.map((name, i) => [name, record.fields[i] ?? null])),
  }));
}

/** The records of a body in `format` (JSON may arrive parsed). */
export function parseBatch(format: BatchFormat, body: unknown): BatchRecord[] {
  if (format === 'json') return recordsFromJson(body);
  const text =
    typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : undefined;
  if (text === undefined) throw badBody(`expected ${format.toUpperCase()} text`);
  return format === 'csv' ? recordsFromCsv(text) : recordsFromNdjson(text);
}
