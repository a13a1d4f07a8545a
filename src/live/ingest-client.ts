/**
 * The client side of ingestion, for `dashport ingest` and `dashport demo-feed`: split a file
 * into batches the server takes whole (CSV keeps its header in every batch, NDJSON is split by
 * line, a JSON array by element) and POST them with the bearer token. A rejected batch stops
 * the run with the server's own message.
 */
import { DashportError, ERROR_CATALOG, type ErrorCode } from '../errors.js';
import type { BatchFormat } from './parse-batch.js';

/** Rows per POST unless told otherwise: big enough to be fast, small enough to fail cheaply. */
export const DEFAULT_BATCH_ROWS = 1_000;

export const CONTENT_TYPES: Readonly<Record<BatchFormat, string>> = {
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  csv: 'text/csv',
};

/** The format of `file` from its extension, or of `text` by its first character for stdin. */
export function detectFormat(file: string, text: string): BatchFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.tsv')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.json')) return 'json';
  const first = text.trimStart()[0];
  if (first === '[') return 'json';
  if (first === '{') return 'ndjson';
  return 'csv';
}

/** CSV records may span lines inside quotes: a line ends a record when its quotes balance. */
function csvRecords(text: string): string[] {
  const records: string[] = [];
  let current = '';
  let quotes = 0;
  for (const line of text.split(/\r?\n/)) {
    current = current === '' && quotes % 2 === 0 ? line : `${current}\n${line}`;
    quotes += (line.match(/"/g) ?? []).length;
    if (quotes % 2 === 0) {
      if (current !== '') records.push(current);
      current = '';
      quotes = 0;
    }
  }
  if (current !== '') records.push(current);
  return records;
}

/** Batch bodies of at most `rows` rows each, in order. */
export function splitBatches(
  text: string,
  format: BatchFormat,
  rows = DEFAULT_BATCH_ROWS,
): string[] {
  const batches: string[] = [];
  if (format === 'json') {
    let items: unknown;
    try {
      items = JSON.parse(text);
    } catch (error) {
      throw new DashportError(
        'DASHPORT_ERR_BAD_BODY',
        `not valid JSON: ${(error as Error).message}`,
      );
    }
    if (!Array.isArray(items))
      throw new DashportError('DASHPORT_ERR_BAD_BODY', 'a JSON file must hold an array of objects');
    for (let i = 0; i < items.length; i += rows)
      batches.push(JSON.stringify(items.slice(i, i + rows)));
    return batches;
  }
  if (format === 'ndjson') {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    for (let i = 0; i < lines.length; i += rows)
      batches.push(`${lines.slice(i, i + rows).join('\n')}\n`);
    return batches;
  }
  const [header, ...records] = csvRecords(text);
  if (header === undefined) return [];
  for (let i = 0; i < records.length; i += rows)
    batches.push(`${[header, ...records.slice(i, i + rows)].join('\n')}\n`);
  return batches;
}

export interface PostBatchOptions {
  /** Base URL of the server, without a trailing slash. */
  readonly url: string;
  readonly token: string | undefined;
  readonly dataset: string;
  readonly format: BatchFormat;
  readonly body: string;
  readonly fetch?: typeof fetch;
}

/** POSTs one batch; resolves with the rows inserted, or throws the server's error. */
export async function postBatch(options: PostBatchOptions): Promise<number> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(
      `${options.url}/api/v1/datasets/${encodeURIComponent(options.dataset)}/rows`,
      {
        method: 'POST',
        headers: {
          'content-type': CONTENT_TYPES[options.format],
          ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        },
        body: options.body,
      },
    );
  } catch (error) {
    throw new DashportError(
      'DASHPORT_ERR_UNREACHABLE',
      `cannot reach ${options.url} (${(error as Error).message}); is the server running? (--url)`,
    );
  }
  const text = await response.text();
  let body: { inserted?: number; code?: string; message?: string } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = { message: text.slice(0, 200) };
  }
  if (response.status === 201) return body.inserted ?? 0;
  const code =
    body.code !== undefined && body.code in ERROR_CATALOG
      ? (body.code as ErrorCode)
      : 'DASHPORT_ERR_UNREACHABLE';
  throw new DashportError(
    code,
    `${options.url} answered ${response.status}: ${body.message ?? 'no message'}`,
  );
}
