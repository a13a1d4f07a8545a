/**
 * PostgreSQL types → Dashport column types, and the value parsers that make node-postgres
 * return the same JSON cells as the DuckDB path: exact integers as numbers (text past 2^53),
 * numeric as floats, dates as `YYYY-MM-DD`, timestamps as ISO-8601 UTC, everything that has
 * no Dashport type (json, uuid, arrays, intervals, …) as its text.
 */
import type { ColumnType } from '../../shared/api-types.js';

const INTEGER_TYPES = new Set(['int2', 'int4', 'int8', 'oid']);
const FLOAT_TYPES = new Set(['float4', 'float8', 'numeric']);
const TIMESTAMP_TYPES = new Set(['timestamp', 'timestamptz']);

/** The Dashport type of a column whose base type is `typname` (pg_type.typname). */
export function columnTypeOfPg(typname: string): ColumnType {
  if (INTEGER_TYPES.has(typname)) return 'integer';
  if (FLOAT_TYPES.has(typname)) return 'float';
  if (typname === 'bool') return 'boolean';
  if (typname === 'date') return 'date';
  if (TIMESTAMP_TYPES.has(typname)) return 'timestamp';
  return 'string';
}

/** Type OIDs of the built-in types parsed specially (pg_type.oid, stable across versions). */
export const PG_OIDS = {
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  float4: 700,
  float8: 701,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
} as const;

function parseInteger(text: string): number | string {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
}

function parseFloatCell(text: string): number | null {
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** `2024-01-02 03:04:05.123456` (a timestamp without zone, read as UTC) → ISO-8601. */
export function parsePgTimestamp(text: string): string | null {
  if (text === 'infinity' || text === '-infinity') return null;
  const date = new Date(`${text.replace(' ', 'T')}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** `2024-01-02 03:04:05+02` (timestamptz in the session zone) → ISO-8601 UTC. */
export function parsePgTimestamptz(text: string): string | null {
  if (text === 'infinity' || text === '-infinity') return null;
  // PostgreSQL writes `+02` for whole-hour offsets; Date wants `+02:00`.
  const normalized = text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  const date = new Date(normalized);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const PARSERS: ReadonlyMap<number, (text: string) => unknown> = new Map<
  number,
  (text: string) => unknown
>([
  [PG_OIDS.bool, (text) => text === 't'],
  [PG_OIDS.int8, parseInteger],
  [PG_OIDS.int2, parseInteger],
  [PG_OIDS.int4, parseInteger],
  [PG_OIDS.oid, parseInteger],
  [PG_OIDS.float4, parseFloatCell],
  [PG_OIDS.float8, parseFloatCell],
  [PG_OIDS.numeric, parseFloatCell],
  [PG_OIDS.date, (text) => (text === 'infinity' || text === '-infinity' ? null : text)],
  [PG_OIDS.timestamp, parsePgTimestamp],
  [PG_OIDS.timestamptz, parsePgTimestamptz],
]);

const identity = (text: string): string => text;

/** node-postgres `types` option: our parsers for the types above, the text for all others. */
export const PG_TYPE_PARSERS = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
    if (format === 'binary') return identity;
    return PARSERS.get(oid) ?? identity;
  },
};
