/** CSV text (RFC 4180) of a small table, for the "download data" buttons. */
import type { CellValue } from '../../../src/shared/api-types.js';

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One field: quoted (inner quotes doubled) when it holds a comma, quote, newline or edge space. */
export function csvField(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header line and one line per row, CRLF-terminated as RFC 4180 says. */
export function toCsv(
  columns: readonly string[],
  rows: readonly (readonly (CellValue | undefined)[])[],
): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows)
    lines.push(columns.map((_column, index) => csvField(row[index])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
