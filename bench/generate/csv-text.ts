/**
 * RFC 4180 CSV text for the small generated tables: a field is quoted only when it holds a
 * comma, a quote or a line break, and quotes inside are doubled.
 */

/** One field, quoted when it needs to be. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One line, with its newline. */
export function csvLine(cells: readonly (string | number)[]): string {
  return `${cells.map(csvField).join(',')}\n`;
}

/** A header line and one line per row, the cells picked by `columns`. */
export function csvTable<Row>(
  columns: readonly string[],
  rows: readonly Row[],
  cells: (row: Row) => readonly (string | number)[],
): string {
  return csvLine(columns) + rows.map((row) => csvLine(cells(row))).join('');
}
