/**
 * The `rows` event of a batch, as every producer sends it (an ingested batch, a segment
 * another process wrote, rows a PostgreSQL poll found): the first rows as JSON cells, the
 * batch's count, and `truncated` when it carried more.
 */
import type { BoundValue } from '../engine/sql/query-types.js';
import type { CellValue, ColumnType } from '../shared/api-types.js';

/**
 * Rows carried by one `rows` event. A bigger batch sends its first rows, its `count` and
 * `truncated: true`: hundreds of clients × thousands of rows a second would otherwise be
 * gigabytes of event stream, and clients reload what they show anyway.
 */
export const EVENT_MAX_ROWS = 20;

let eventSequence = 0;

/** An event id unique across processes and increasing within one: `<prefix>-<ms>-<seq>-<pid>`. */
export function eventId(prefix: string): string {
  eventSequence = (eventSequence + 1) % 1_000_000;
  return `${prefix}-${String(Date.now()).padStart(13, '0')}-${String(eventSequence).padStart(6, '0')}-${process.pid}`;
}

/** JSON cells of typed rows: timestamps as the rows API writes them, 64-bit integers as text. */
export function jsonRows(
  types: readonly ColumnType[],
  rows: readonly (readonly BoundValue[])[],
): CellValue[][] {
  return rows.map((row) =>
    row.map((value, i) => {
      if (typeof value === 'bigint') return value.toString();
      if (types[i] === 'timestamp' && typeof value === 'string') {
        const date = new Date(value);
        return Number.isNaN(date.getTime()) ? value : date.toISOString();
      }
      return value;
    }),
  );
}

/** The data of a `rows` event: the batch's first rows (as JSON cells) and how many it had. */
export function rowsEventData(
  dataset: string,
  version: string,
  columns: readonly string[],
  types: readonly ColumnType[],
  rows: readonly (readonly BoundValue[])[],
): Record<string, unknown> {
  const shown = rows.length > EVENT_MAX_ROWS ? rows.slice(0, EVENT_MAX_ROWS) : rows;
  return {
    dataset,
    version,
    columns,
    rows: jsonRows(types, shown),
    count: rows.length,
    ...(shown.length < rows.length ? { truncated: true } : {}),
  };
}
