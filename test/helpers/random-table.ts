/**
 * Small random tables for property tests of the query layer (fast-check): one fixed set of
 * columns with awkward names (quotes, a comma, a dot, unicode), every Dashport type, values
 * chosen to hit edge cases (nulls, -0, NaN, ±Infinity, integers past 2^53, quotes, LIKE
 * metacharacters, unicode that folds or sorts oddly, timestamps a microsecond around bucket
 * boundaries and before 1970), and the text that writes each value into DuckDB and PostgreSQL.
 */
import fc from 'fast-check';
import type { ColumnType } from '../../src/shared/api-types.js';

/**
 * A cell of the model: integers as bigint, floats as number, dates as `YYYY-MM-DD`, timestamps
 * as bigint microseconds since the epoch (UTC), strings and booleans as themselves.
 */
export type ModelValue = bigint | number | string | boolean | null;
export type ModelRow = readonly ModelValue[];

export interface ModelColumn {
  readonly name: string;
  readonly type: ColumnType;
  /** The column's SQL type when the test writes the table (DuckDB, then PostgreSQL). */
  readonly duckType: string;
  readonly pgType: string;
  /** Filled in as a timestamp column stored with a zone (`timestamptz`). */
  readonly zoned?: boolean;
}

/** The collation of `s,t'r` in PostgreSQL: a linguistic one, as a production database has. */
export const PG_TEXT_COLLATION = 'en-x-icu';

/** The columns of every generated table, in order; `id` is unique and never null. */
export const MODEL_COLUMNS: readonly ModelColumn[] = [
  { name: 'id', type: 'integer', duckType: 'BIGINT', pgType: 'bigint' },
  { name: 'n "q"', type: 'integer', duckType: 'BIGINT', pgType: 'bigint' },
  { name: 'f.x', type: 'float', duckType: 'DOUBLE', pgType: 'double precision' },
  { name: "s,t'r", type: 'string', duckType: 'VARCHAR', pgType: 'text' },
  { name: 'cat', type: 'string', duckType: 'VARCHAR', pgType: 'text' },
  { name: 'Bööl', type: 'boolean', duckType: 'BOOLEAN', pgType: 'boolean' },
  { name: 'day', type: 'date', duckType: 'DATE', pgType: 'date' },
  { name: 'ts', type: 'timestamp', duckType: 'TIMESTAMP', pgType: 'timestamp' },
  {
    name: 'tz',
    type: 'timestamp',
    duckType: 'TIMESTAMPTZ',
    pgType: 'timestamptz',
    zoned: true,
  },
];

export interface ModelTable {
  /** The file dataset's id and the PostgreSQL table's name (dataset `pg.<name>`). */
  readonly name: string;
  readonly rows: readonly ModelRow[];
}

const MICROS_PER_MS = 1000n;
const MICROS_PER_DAY = 86_400_000_000n;

/** Microseconds since the epoch of a UTC calendar time. */
export function microsOf(iso: string, extraMicros = 0n): bigint {
  return BigInt(Date.parse(iso)) * MICROS_PER_MS + extraMicros;
}

/** Floor division for bigints (`/` truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) of a timestamp in microseconds. */
export function timestampText(micros: bigint): string {
  const ms = floorDiv(micros, MICROS_PER_MS);
  const rest = micros - ms * MICROS_PER_MS;
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(rest).padStart(3, '0')}`;
}

/** A day number (days since 1970-01-01) as `YYYY-MM-DD`. */
export function dateOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** The text both engines read back as exactly `value` (CAST from text in the INSERT). */
export function sqlText(column: ModelColumn, value: ModelValue): string | null {
  if (value === null) return null;
  switch (column.type) {
    case 'float': {
      const number = value as number;
      if (Number.isNaN(number)) return 'NaN';
      if (number === Infinity) return 'Infinity';
      if (number === -Infinity) return '-Infinity';
      // String(-0) is "0"; the sign is part of the value.
      return Object.is(number, -0) ? '-0' : String(number);
    }
    case 'timestamp':
      return `${timestampText(value as bigint)}${column.zoned === true ? '+00' : ''}`;
    default:
      return String(value);
  }
}

const WORDS = [
  '',
  ' ',
  'a',
  'A',
  'b',
  'B',
  'ab',
  'e',
  'é',
  'É',
  "o'brien",
  'say "hi"',
  'back\\slash',
  '100%',
  'x_y',
  'star*',
  'a,b',
  '(paren)',
  'dot.dot',
  'null',
  'Σσς',
  'İi',
  'straße',
  'STRASSE',
  'ẞ',
  '日本',
  '😀',
  '\uFFFD',
  '\uE000',
  'tab\tnl\n',
  'ǅ',
  '  lead',
  'trail  ',
  'ı',
];
/** Code points for random strings: letters that fold oddly, LIKE and list metacharacters. */
export const STRING_CHARS = [
  ...'aAbBzZeé É ßẞΣσςİıǅǆ\'"\\%_*,.()019-+日\t',
  '😀',
  '\uFFFD',
  '\uE000',
];

const stringValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...WORDS) },
  {
    weight: 2,
    arbitrary: fc.array(fc.constantFrom(...STRING_CHARS), { maxLength: 6 }).map((c) => c.join('')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...WORDS), fc.constantFrom(...WORDS))
      .map(([a, b]) => a + b),
  },
);

const SPECIAL_INTEGERS = [
  2n ** 53n + 1n,
  -(2n ** 53n) - 1n,
  2n ** 62n,
  -(2n ** 63n),
  2n ** 63n - 1n,
];
const integerValue: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: -3n, max: 3n }) },
  { weight: 3, arbitrary: fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }) },
  { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_INTEGERS) },
);

const SPECIAL_FLOATS = [
  0,
  -0,
  0.1,
  0.2,
  0.30000000000000004,
  1.5,
  -2.5,
  100,
  1e15,
  1e16,
  1234567890123456.8,
  -2.5e-7,
  5e-324,
  NaN,
  Infinity,
  -Infinity,
];
const floatValue: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -12, max: 12 }).map((n) => n / 4) },
  { weight: 3, arbitrary: fc.double({ min: -1e9, max: 1e9, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_FLOATS) },
);

const SPECIAL_DATES = [
  '1969-12-31',
  '1970-01-01',
  '1999-12-31',
  '2000-01-01',
  '2020-12-28',
  '2021-01-03',
  '2023-12-31',
  '2024-01-01',
  '2024-02-29',
  '2024-03-31',
  '2024-04-01',
];
const dateValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_DATES) },
  // 1915 to 2052.
  { weight: 1, arbitrary: fc.integer({ min: -20_000, max: 30_000 }).map(dateOfDay) },
);

const SPECIAL_TIMESTAMPS = [
  0n,
  -1n,
  -500n,
  -1000n,
  1n,
  999n,
  microsOf('2024-01-01T00:00:00Z'),
  microsOf('2024-01-01T00:00:00Z', -1n),
  microsOf('2024-01-01T00:00:00Z', 1n),
  microsOf('2024-03-31T23:59:59.999Z', 500n),
  microsOf('2024-04-01T00:00:00Z'),
  microsOf('1969-12-31T23:59:59.999Z', 500n),
  microsOf('1969-12-29T00:00:00Z', -1n),
  microsOf('2021-01-03T23:59:59.999Z', 999n),
  microsOf('2024-02-29T12:30:00Z'),
];
const timestampValue: fc.Arbitrary<bigint> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_TIMESTAMPS) },
  // 1938 to 2033, at microsecond, millisecond and minute precision.
  { weight: 2, arbitrary: fc.bigInt({ min: -(10n ** 15n), max: 2n * 10n ** 15n }) },
  {
    weight: 1,
    arbitrary: fc.bigInt({ min: -(10n ** 12n), max: 2n * 10n ** 12n }).map((ms) => ms * 1000n),
  },
  {
    weight: 1,
    arbitrary: fc.bigInt({ min: -20_000_000n, max: 30_000_000n }).map((m) => m * 60_000_000n),
  },
);

function valuesOf(column: ModelColumn): fc.Arbitrary<ModelValue> {
  switch (column.type) {
    case 'integer':
      return integerValue;
    case 'float':
      return floatValue;
    case 'string':
      return stringValue;
    case 'boolean':
      return fc.boolean();
    case 'date':
      return dateValue;
    case 'timestamp':
      return timestampValue;
  }
}

/**
 * A column's values for one table: few distinct values (ties, groups) or many, and a share of
 * nulls from none to all.
 */
function columnArbitrary(column: ModelColumn): fc.Arbitrary<fc.Arbitrary<ModelValue>> {
  return fc
    .record({
      pool: fc.option(fc.uniqueArray(valuesOf(column), { minLength: 1, maxLength: 4 }), {
        freq: 2,
      }),
      // 1 in `nulls` cells is null; -1: every cell (an all-null column).
      nulls: fc.constantFrom(0, 0, 5, 2, 1, -1),
    })
    .map(({ pool, nulls }) => {
      const values = pool === null ? valuesOf(column) : fc.constantFrom(...pool);
      if (nulls === 0) return values;
      if (nulls === -1) return fc.constant(null);
      if (nulls === 1) return fc.oneof(values, fc.constant(null));
      return fc.option(values, { freq: nulls });
    });
}

/** A table of `size` rows named `name`; ids are 1..size in a shuffled order. */
export function tableArbitrary(name: string, size: number): fc.Arbitrary<ModelTable> {
  const [, ...others] = MODEL_COLUMNS;
  return fc
    .tuple(
      fc.tuple(...others.map(columnArbitrary)),
      fc.shuffledSubarray(
        Array.from({ length: size }, (_, i) => BigInt(i + 1)),
        { minLength: size, maxLength: size },
      ),
    )
    .chain(([columns, ids]) =>
      fc
        .array(fc.tuple(...columns), { minLength: size, maxLength: size })
        .map((cells) => ({ name, rows: cells.map((row, i) => [ids[i] as bigint, ...row]) })),
    );
}

/** The same tables every run for one seed: sizes from empty to a few dozen rows. */
export function sampleTables(seed: number, sizes: readonly number[]): ModelTable[] {
  const tables = fc.tuple(...sizes.map((size, i) => tableArbitrary(`t${i}`, size)));
  const [sample] = fc.sample(tables, { seed, numRuns: 1 });
  if (sample === undefined) throw new Error('fast-check gave no sample');
  return sample;
}

/** Days since the epoch of a `YYYY-MM-DD` date. */
export function dayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 86_400_000;
}

/** Microseconds since the epoch of midnight UTC of a date. */
export function dateMicros(date: string): bigint {
  return BigInt(dayNumber(date)) * MICROS_PER_DAY;
}
