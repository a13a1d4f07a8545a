/** Text encodings of rows for streaming: RFC 4180 CSV and NDJSON. */
import type { CellValue } from '../../../shared/api-types.js';

function csvField(value: CellValue): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly CellValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export function ndjsonLine(columns: readonly string[], values: readonly CellValue[]): string {
  const record: Record<string, CellValue> = {};
  columns.forEach((column, i) => {
    record[column] = values[i] ?? null;
  });
  return `${JSON.stringify(record)}\n`;
}
