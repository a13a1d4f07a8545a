/**
 * The expected answers, computed in plain JS from the rows a fixture wrote: filtering, sorting,
 * statistics as DuckDB defines them (sample standard deviation, interpolated quantiles), LIKE.
 */
import type { FixtureRow, FixtureValue } from './fixture-data.js';

/** Ascending order of two cells with nulls last, numbers numerically, text by code point. */
export function compareValues(a: FixtureValue, b: FixtureValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

export type SortKey = readonly [column: string, direction: 'asc' | 'desc'];

/** Rows sorted by several keys; nulls last in both directions (Dashport's default). */
export function sortRows<T extends FixtureRow>(rows: readonly T[], keys: readonly SortKey[]): T[] {
  return [...rows].sort((a, b) => {
    for (const [column, direction] of keys) {
      const left = a[column] ?? null;
      const right = b[column] ?? null;
      if (left === null || right === null) {
        const nulls = compareValues(left, right);
        if (nulls !== 0) return nulls;
        continue;
      }
      const order = compareValues(left, right) * (direction === 'asc' ? 1 : -1);
      if (order !== 0) return order;
    }
    return 0;
  });
}

/** The rows as the API's `rows` arrays for `columns`. */
export function project(rows: readonly FixtureRow[], columns: readonly string[]): FixtureValue[][] {
  return rows.map((row) => columns.map((column) => row[column] ?? null));
}

/** A SQL LIKE pattern (`%`, `_`, backslash escapes) as a RegExp. */
export function likeRegExp(pattern: string, caseInsensitive = false): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] as string;
    if (char === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[i + 1] as string);
      i += 1;
    } else if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function numbers(rows: readonly FixtureRow[], column: string): number[] {
  return rows
    .map((row) => row[column])
    .filter((value): value is number => typeof value === 'number');
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : sum(values) / values.length;
}

/** Sample standard deviation (n - 1), as DuckDB's stddev_samp. */
export function stdSample(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = sum(values) / values.length;
  return Math.sqrt(sum(values.map((value) => (value - m) ** 2)) / (values.length - 1));
}

/** Linearly interpolated quantile, as DuckDB's quantile_cont. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[high] as number) - lowValue) * (position - low);
}

export function distinctCount(rows: readonly FixtureRow[], column: string): number {
  return new Set(rows.map((row) => row[column]).filter((value) => value !== null)).size;
}

/** Groups rows by the key a function gives, in first-seen order. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/** Pearson correlation of two equally long columns. */
export function pearson(a: readonly number[], b: readonly number[]): number {
  const ma = sum(a) / a.length;
  const mb = sum(b) / b.length;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i += 1) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return cov / Math.sqrt(va * vb);
}

/** RFC 4180 CSV text → rows of fields (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
