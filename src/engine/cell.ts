/**
 * DuckDB values → JSON-safe cells. Integers stay numbers while they are exact and become
 * strings past 2^53 (JSON has no bigint); dates are `YYYY-MM-DD`, timestamps ISO-8601 UTC;
 * NaN and ±Infinity become null because JSON cannot carry them.
 */
import type { CellValue } from '../shared/api-types.js';

export type Cell = CellValue;
/** A cell or a nested DuckDB value (LIST → array, MAP → [{key, value}], STRUCT → object). */
export type Value = Cell | readonly Value[] | { readonly [key: string]: Value };

export function toCell(value: unknown, duckType: string | undefined): Value {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item: unknown) => toCell(item, undefined));
  switch (typeof value) {
    case 'bigint':
      return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(value)
        : value.toString();
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'string':
    case 'boolean':
      return value;
    default:
      break;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    const iso = value.toISOString();
    return duckType === 'DATE' ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        key,
        toCell(item, undefined),
      ]),
    );
  }
  return String(value);
}

/** A scalar cell; nested values are rendered as JSON text. */
export function toScalar(value: Value): Cell {
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
}
