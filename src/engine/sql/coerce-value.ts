/**
 * Turns the text of a filter value into a value of the column's type, or a BadParameterError
 * that says what the column accepts. Dates and timestamps stay ISO strings (normalized), so they
 * bind the same way to DuckDB and PostgreSQL.
 */
import { BadParameterError } from '../../errors.js';
import type { ColumnType } from '../../shared/api-types.js';
import type { BoundValue } from './query-types.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_PATTERN = /^-?\d+$/;
// Number() alone would also take '', ' 1', '0x10' and 'Infinity'.
const FLOAT_PATTERN = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
// A space before the zone offset is a `+` that the query string decoded as a space.
const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+ -]\d{2}(?::?\d{2})?)?)?$/;
const SHOWN_VALUE_CHARS = 80;

/** How each type is written in a filter, for messages: `eq.<integer>`. */
export const VALUE_PLACEHOLDERS: Readonly<Record<ColumnType, string>> = {
  integer: '<integer>',
  float: '<number>',
  boolean: '<true|false>',
  date: '<YYYY-MM-DD>',
  timestamp: '<YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]>',
  string: '<text>',
};

const DESCRIPTIONS: Readonly<Record<ColumnType, string>> = {
  integer: 'an integer',
  float: 'a finite number',
  boolean: 'true or false',
  date: 'a valid date (YYYY-MM-DD)',
  timestamp: 'a valid ISO-8601 timestamp',
  string: 'text',
};

/** `value` quoted for an error message, shortened when long. */
export function showValue(value: string): string {
  const shown = value.length > SHOWN_VALUE_CHARS ? `${value.slice(0, SHOWN_VALUE_CHARS)}…` : value;
  return JSON.stringify(shown);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function isValidDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Offset of a zone designator in minutes east of UTC (`Z` → 0, `+02:00` → 120). */
function offsetMinutes(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

/** `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` in UTC, or undefined when `text` is not a valid timestamp. */
export function normalizeTimestamp(text: string): string | undefined {
  const match = TIMESTAMP_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (!isValidDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = zone === undefined ? 0 : offsetMinutes(zone);
  if (offset === undefined) return undefined;
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute - offset, second, 0);
  const utcYear = instant.getUTCFullYear();
  if (utcYear < 0 || utcYear > 9999) return undefined;
  // Both engines keep microseconds; finer digits are dropped rather than rounded into a carry.
  const micros = fraction === undefined ? '' : `.${fraction.slice(0, 6)}`;
  return (
    `${pad(utcYear, 4)}-${pad(instant.getUTCMonth() + 1, 2)}-${pad(instant.getUTCDate(), 2)}` +
    `T${pad(instant.getUTCHours(), 2)}:${pad(instant.getUTCMinutes(), 2)}:` +
    `${pad(instant.getUTCSeconds(), 2)}${micros}Z`
  );
}

function coerceOrUndefined(type: ColumnType, text: string): BoundValue | undefined {
  switch (type) {
    case 'string':
      return text;
    case 'integer': {
      if (!INTEGER_PATTERN.test(text)) return undefined;
      const big = BigInt(text);
      if (big < INT64_MIN || big > INT64_MAX) return undefined;
      const small = Number(big);
      return Number.isSafeInteger(small) ? small : big;
    }
    case 'float': {
      if (!FLOAT_PATTERN.test(text)) return undefined;
      const number = Number(text);
      return Number.isFinite(number) ? number : undefined;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      return undefined;
    }
    case 'date': {
      const match = DATE_PATTERN.exec(text);
      if (match === null) return undefined;
      return isValidDate(Number(match[1]), Number(match[2]), Number(match[3])) ? text : undefined;
    }
    case 'timestamp':
      return normalizeTimestamp(text);
  }
}

/**
 * `text` as a value of `type`; otherwise a BadParameterError naming `parameter` and the accepted
 * form `expected` (for example `eq.<integer>`).
 */
export function coerceValue(
  parameter: string,
  type: ColumnType,
  text: string,
  expected: string,
): BoundValue {
  const value = coerceOrUndefined(type, text);
  if (value === undefined) {
    const range = type === 'integer' && INTEGER_PATTERN.test(text) ? ' in the 64-bit range' : '';
    throw new BadParameterError(
      parameter,
      `${parameter}: ${showValue(text)} is not ${DESCRIPTIONS[type]}${range}; ${expected} expected`,
    );
  }
  return value;
}
