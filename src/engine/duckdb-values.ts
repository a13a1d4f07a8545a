/**
 * DuckDB values → JS values, as @duckdb/node-api's JSDuckDBValueConverter reads them, except
 * timestamps: the library divides microseconds by 1000 with bigint division, which rounds toward
 * the epoch, so `1969-12-31 23:59:59.9995` came back as `1970-01-01T00:00:00.000Z` (the next
 * second, day and year) while PostgreSQL datasets answer `…23:59:59.999Z`. Rounding down (floor)
 * keeps every instant in its own millisecond, second and day.
 */
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBType,
  HUGEINT,
  INTEGER,
  SQLNULL,
  VARCHAR,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBValueConverter,
  JSDuckDBValueConverter,
  type JS,
} from '@duckdb/node-api';
import type { BoundValue } from './sql/query-types.js';

// The range of a JS Date (ECMA-262 §21.4.1.22: ±8.64e15 ms).
const MAX_DATE_MS = 8_640_000_000_000_000n;

/** `a / b` rounded toward −∞ (bigint `/` rounds toward zero). */
export function floorDivide(a: bigint, b: bigint): bigint {
  const quotient = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? quotient - 1n : quotient;
}

function dateOfMs(ms: bigint, what: string): Date {
  if (ms < -MAX_DATE_MS || ms > MAX_DATE_MS) {
    throw new RangeError(`${what} value out of range for a JS Date: ${ms} ms`);
  }
  return new Date(Number(ms));
}

/** The converter for getRows/convertRows: JS values, timestamps floored to the millisecond. */
export const jsValueConverter: DuckDBValueConverter<JS> = (value, type, converter) => {
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) {
    return dateOfMs(floorDivide(value.micros, 1000n), 'TIMESTAMP');
  }
  if (value instanceof DuckDBTimestampNanosecondsValue) {
    return dateOfMs(floorDivide(value.nanos, 1_000_000n), 'TIMESTAMP_NS');
  }
  // Nested values (lists, structs, maps) come back through `converter`, i.e. this function.
  return JSDuckDBValueConverter(value, type, converter);
};

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/**
 * The type a parameter is bound as. The library binds every integral JS number as an integer,
 * so a float such as 9.223372036854776e18 (a histogram edge over a BIGINT column) failed with
 * "bigint out of int64 range"; numbers past the exact integers bind as DOUBLE instead.
 */
export function parameterType(value: BoundValue): DuckDBType {
  if (value === null) return SQLNULL;
  switch (typeof value) {
    case 'boolean':
      return BOOLEAN;
    case 'bigint':
      return HUGEINT;
    case 'string':
      return VARCHAR;
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) return DOUBLE;
      return value >= INT32_MIN && value <= INT32_MAX ? INTEGER : BIGINT;
  }
}
