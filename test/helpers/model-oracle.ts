/**
 * The answers the query API must give for a random query over a ModelTable, computed in plain
 * TypeScript from Dashport's defined semantics, not from either engine:
 *
 * - Filters use SQL's three-valued logic: a comparison with NULL matches nothing, also under
 *   `not.`; `in.()` matches nothing and `not.in.()` everything; `is` never yields NULL.
 * - Floats compare as both engines do: -0 equals 0, NaN equals NaN and sorts above +Infinity.
 * - Strings compare by code point (UTF-8 byte order), whatever the database's collation.
 * - `ilike` lower-cases both sides one code point at a time (Unicode simple lower case).
 * - `order` puts nulls last unless `.nullsfirst` says otherwise, in both directions.
 * - Timestamps are UTC and come back at millisecond precision, rounded down.
 * - Aggregates: series values are floats; dates and timestamps as epoch milliseconds (rounded
 *   down), booleans as 0/1; NaN and ±Infinity results are null. Raw x values are grouped as the
 *   response shows them; bins span the filtered rows' finite x; groups are labelled by
 *   `groupLabel`, ranked by row count then label, and all past `top` fold into `other`.
 */
import { binIndex, histogramEdges } from '../../src/analysis/histogram.js';
import type { CellValue } from '../../src/shared/api-types.js';
import type { AggregateSpec, FilterSpec, LikeToken, OrderSpec, RowsSpec } from './random-query.js';
import {
  MODEL_COLUMNS,
  type ModelColumn,
  type ModelRow,
  type ModelTable,
  type ModelValue,
  dateMicros,
  floorDiv,
  timestampText,
} from './random-table.js';

const column = (index: number): ModelColumn => {
  const found = MODEL_COLUMNS[index];
  if (found === undefined) throw new RangeError(`no column ${index}`);
  return found;
};

/** Code point order (the order of UTF-8 bytes); JS `<` compares UTF-16 code units instead. */
export function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    const diff = (left[i] as string).codePointAt(0)! - (right[i] as string).codePointAt(0)!;
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

function compareFloats(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number(Number.isNaN(a)) - Number(Number.isNaN(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SQL order of two non-null values of one column type. */
export function compareModel(type: ModelColumn['type'], a: ModelValue, b: ModelValue): number {
  switch (type) {
    case 'float':
      return compareFloats(a as number, b as number);
    case 'string':
      return compareCodePoints(a as string, b as string);
    case 'boolean':
      return Number(a) - Number(b);
    default:
      return a! < b! ? -1 : a! > b! ? 1 : 0;
  }
}

/** The JSON cell the API returns for a model value. */
export function cellOf(col: ModelColumn, value: ModelValue): CellValue {
  if (value === null) return null;
  switch (col.type) {
    case 'integer': {
      const number = Number(value as bigint);
      return Number.isSafeInteger(number) ? number : String(value);
    }
    case 'float':
      return Number.isFinite(value as number) ? (value as number) : null;
    case 'timestamp':
      return new Date(Number(floorDiv(value as bigint, 1000n))).toISOString();
    default:
      return value as string | boolean;
  }
}

/** Unicode simple lower case, code point by code point (`İ` → `i`, not `i̇`). */
export function simpleLower(text: string): string {
  return [...text].map((char) => [...char.toLowerCase()][0] ?? char).join('');
}

function likeMatches(
  text: string,
  tokens: readonly LikeToken[],
  caseInsensitive: boolean,
): boolean {
  const fold = caseInsensitive ? simpleLower : (s: string) => s;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  const source = tokens
    .map((token) => {
      if (token === 'any') return '[\\s\\S]*';
      if (token === 'one') return '[\\s\\S]';
      return escape(fold(token.literal));
    })
    .join('');
  return new RegExp(`^${source}$`, 'u').test(fold(text));
}

/** true, false, or null (unknown) for one row. */
function evaluate(row: ModelRow, filter: FilterSpec): boolean | null {
  const col = column(filter.column);
  const value = row[filter.column] ?? null;
  let result: boolean | null;
  switch (filter.kind) {
    case 'is':
      result = value === filter.value;
      break;
    case 'in':
      if (filter.values.length === 0) result = false;
      else if (value === null) result = null;
      else result = filter.values.some((v) => compareModel(col.type, value, v) === 0);
      break;
    case 'like':
      result =
        value === null ? null : likeMatches(value as string, filter.tokens, filter.caseInsensitive);
      break;
    case 'compare': {
      if (value === null) {
        result = null;
        break;
      }
      const order = compareModel(col.type, value, filter.value);
      const ops = {
        eq: order === 0,
        neq: order !== 0,
        gt: order > 0,
        gte: order >= 0,
        lt: order < 0,
        lte: order <= 0,
      };
      result = ops[filter.op];
      break;
    }
  }
  return filter.negate && result !== null ? !result : result;
}

/** The rows every filter holds for (ANDed; unknown counts as no). */
export function filterRows(table: ModelTable, filters: readonly FilterSpec[]): ModelRow[] {
  return table.rows.filter((row) => filters.every((filter) => evaluate(row, filter) === true));
}

function sortRows(rows: readonly ModelRow[], order: readonly OrderSpec[]): ModelRow[] {
  return [...rows].sort((a, b) => {
    for (const term of order) {
      const left = a[term.column] ?? null;
      const right = b[term.column] ?? null;
      if (left === null || right === null) {
        if (left === right) continue;
        const nullsFirst = term.nulls === 'first';
        return (left === null) === nullsFirst ? -1 : 1;
      }
      const result = compareModel(column(term.column).type, left, right);
      if (result !== 0) return term.direction === 'asc' ? result : -result;
    }
    return 0;
  });
}

export interface ExpectedRows {
  readonly columns: string[];
  readonly rows: CellValue[][];
  readonly limit: number;
  readonly offset: number;
}

/** GET …/rows for `spec`. */
export function expectedRows(table: ModelTable, spec: RowsSpec): ExpectedRows {
  const indices =
    spec.select === undefined ? MODEL_COLUMNS.map((_, i) => i) : [...new Set(spec.select)];
  const limit = spec.limit ?? 100;
  const offset = spec.offset ?? 0;
  const sorted = sortRows(
    filterRows(
      table,
      spec.filters.map((f) => f.spec),
    ),
    spec.order,
  );
  return {
    columns: indices.map((i) => column(i).name),
    rows: sorted
      .slice(offset, offset + limit)
      .map((row) => indices.map((i) => cellOf(column(i), row[i] ?? null))),
    limit,
    offset,
  };
}

/** How PostgreSQL prints a float8: shortest round-trip digits, exponent below 1e-4 and from 1e15. */
export function pgFloatText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 15) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]`, trailing zeros of the fraction dropped, as SQL prints it. */
function timestampLabel(micros: bigint): string {
  const text = timestampText(micros);
  const fraction = text.slice(20).replace(/0+$/, '');
  return fraction === '' ? text.slice(0, 19) : `${text.slice(0, 19)}.${fraction}`;
}

/** The label of a group: the value as SQL text, `null` for NULL. */
export function groupLabel(col: ModelColumn, value: ModelValue): string {
  if (value === null) return 'null';
  switch (col.type) {
    case 'float':
      return pgFloatText(value as number);
    case 'timestamp':
      return timestampLabel(value as bigint);
    default:
      return String(value);
  }
}

const MICROS_PER_MINUTE = 60_000_000n;
const MICROS_PER_HOUR = 60n * MICROS_PER_MINUTE;
const MICROS_PER_DAY = 24n * MICROS_PER_HOUR;

/** date_trunc(unit, t) in UTC, t and the result in microseconds. */
export function truncateMicros(
  micros: bigint,
  unit: NonNullable<AggregateSpec['x']> & { mode: 'bucket' },
): bigint {
  const step = { minute: MICROS_PER_MINUTE, hour: MICROS_PER_HOUR, day: MICROS_PER_DAY }[
    unit.bucket as 'minute' | 'hour' | 'day'
  ];
  if (step !== undefined) return floorDiv(micros, step) * step;
  const day = floorDiv(micros, MICROS_PER_DAY);
  if (unit.bucket === 'week') {
    // 1970-01-01 was a Thursday; ISO weeks start on Monday.
    const sinceMonday = (((day + 3n) % 7n) + 7n) % 7n;
    return (day - sinceMonday) * MICROS_PER_DAY;
  }
  const date = new Date(Number(day) * 86_400_000);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const start =
    unit.bucket === 'year'
      ? [year, 0]
      : unit.bucket === 'quarter'
        ? [year, month - (month % 3)]
        : [year, month];
  const first = new Date(0);
  first.setUTCFullYear(start[0] as number, start[1] as number, 1);
  return BigInt(first.getTime()) * 1000n;
}

/** An expected series value and how far a float result may stray from it. */
export interface ExpectedValue {
  readonly value: number | null;
  readonly tolerance: number;
}

export interface ExpectedAggregate {
  readonly x: CellValue[];
  readonly series: { name: string; y: ExpectedValue[] }[];
  readonly rowsScanned: number;
}

const FLOAT_EPSILON = 1e-12;

function finiteOrNull(value: number, tolerance = 0): ExpectedValue {
  return Number.isFinite(value) ? { value, tolerance } : { value: null, tolerance: 0 };
}

/** y as a float of the series: booleans 0/1, dates and timestamps epoch ms rounded down. */
function asSeriesNumber(col: ModelColumn, value: ModelValue): number {
  switch (col.type) {
    case 'integer':
      return Number(value as bigint);
    case 'boolean':
      return value === true ? 1 : 0;
    case 'date':
      return Number(dateMicros(value as string) / 1000n);
    case 'timestamp':
      return Number(floorDiv(value as bigint, 1000n));
    default:
      return value as number;
  }
}

/** Interpolated median (quantile_cont / percentile_cont) of floats sorted as SQL sorts them. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort(compareFloats);
  const position = (sorted.length - 1) / 2;
  const low = sorted[Math.floor(position)] as number;
  const high = sorted[Math.ceil(position)] as number;
  return Math.floor(position) === Math.ceil(position)
    ? low
    : low + (high - low) * (position - Math.floor(position));
}

function distinctKey(col: ModelColumn, value: ModelValue): string {
  if (col.type === 'float') {
    const number = value as number;
    return Number.isNaN(number) ? 'NaN' : number === 0 ? '0' : String(number);
  }
  return String(value);
}

function aggregateValue(spec: AggregateSpec, rows: readonly ModelRow[]): ExpectedValue {
  if (spec.agg === 'count') return { value: rows.length, tolerance: 0 };
  const col = column(spec.y as number);
  const values = rows.map((row) => row[spec.y as number] ?? null).filter((v) => v !== null);
  if (spec.agg === 'distinct') {
    return { value: new Set(values.map((v) => distinctKey(col, v))).size, tolerance: 0 };
  }
  if (values.length === 0) return { value: null, tolerance: 0 };
  if (col.type === 'integer' && (spec.agg === 'sum' || spec.agg === 'mean')) {
    const total = values.reduce<bigint>((sum, v) => sum + (v as bigint), 0n);
    const scale = values.reduce<number>((sum, v) => sum + Math.abs(Number(v as bigint)), 0);
    // The engines may add as floats (per-cell partials) or exactly (HUGEINT, numeric).
    const exact = spec.agg === 'sum' ? Number(total) : Number(total) / values.length;
    return finiteOrNull(
      exact,
      FLOAT_EPSILON * (spec.agg === 'sum' ? scale : scale / values.length),
    );
  }
  const numbers = values.map((v) => asSeriesNumber(col, v));
  switch (spec.agg) {
    case 'sum':
    case 'mean': {
      const total = numbers.reduce((sum, v) => sum + v, 0);
      const scale = numbers.reduce((sum, v) => sum + Math.abs(v), 0);
      return spec.agg === 'sum'
        ? finiteOrNull(total, FLOAT_EPSILON * scale)
        : finiteOrNull(total / numbers.length, (FLOAT_EPSILON * scale) / numbers.length);
    }
    case 'min':
    case 'max': {
      const sorted = [...numbers].sort(compareFloats);
      return finiteOrNull((spec.agg === 'min' ? sorted[0] : sorted.at(-1)) as number);
    }
    case 'median': {
      const value = median(numbers);
      return finiteOrNull(
        value,
        FLOAT_EPSILON * Math.max(...numbers.map(Math.abs).filter(Number.isFinite), 0),
      );
    }
  }
}

/** How the response sorts x: nulls last, numbers numerically, everything else as text. */
export function compareXCells(a: CellValue, b: CellValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareCodePoints(String(a), String(b));
}

const cellKey = (cell: CellValue): string => `${typeof cell}:${String(cell)}`;

function seriesName(spec: AggregateSpec): string {
  return spec.agg === 'count' ? 'count' : `${spec.agg}(${column(spec.y as number).name})`;
}

/** GET …/aggregate for `spec`, without meta.cached and meta.durationMs. */
export function expectedAggregate(table: ModelTable, spec: AggregateSpec): ExpectedAggregate {
  const filtered = filterRows(
    table,
    spec.filters.map((f) => f.spec),
  );
  const x = spec.x;
  let edges: number[] | undefined;
  let xOf: (row: ModelRow) => CellValue | undefined;
  if (x === undefined) xOf = () => 'all';
  else if (x.mode === 'raw') xOf = (row) => cellOf(column(x.column), row[x.column] ?? null);
  else if (x.mode === 'bucket') {
    const col = column(x.column);
    xOf = (row) => {
      const value = row[x.column] ?? null;
      if (value === null) return null;
      const micros = col.type === 'date' ? dateMicros(value as string) : (value as bigint);
      return new Date(Number(truncateMicros(micros, x) / 1000n)).toISOString();
    };
  } else {
    const col = column(x.column);
    const finite = filtered
      .map((row) => row[x.column] ?? null)
      .filter((v) => v !== null)
      .map((v) => asSeriesNumber(col, v))
      .filter(Number.isFinite);
    const range = finite.length === 0 ? [0, 0] : [Math.min(...finite), Math.max(...finite)];
    const binEdges = histogramEdges(range[0] as number, range[1] as number, x.bins);
    edges = binEdges;
    xOf = (row) => {
      const value = row[x.column] ?? null;
      if (value === null) return undefined;
      const index = binIndex(asSeriesNumber(col, value), binEdges);
      return index === -1 ? undefined : binEdges[index];
    };
  }
  const placed = filtered.flatMap((row) => {
    const cell = xOf(row);
    return cell === undefined ? [] : [{ row, x: cell }];
  });

  const labelOf = (row: ModelRow): string =>
    spec.group === undefined
      ? seriesName(spec)
      : groupLabel(column(spec.group), row[spec.group] ?? null);
  const sizes = new Map<string, number>();
  for (const { row } of placed) sizes.set(labelOf(row), (sizes.get(labelOf(row)) ?? 0) + 1);
  const ranked = [...sizes.entries()]
    .sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]))
    .map(([label]) => label);
  const top = new Set(ranked.slice(0, spec.top ?? 10));
  const seriesOf = (row: ModelRow): string => {
    const label = labelOf(row);
    return spec.group === undefined || top.has(label) ? label : 'other';
  };

  // Without x, one cell over all filtered rows, as SQL's aggregate without GROUP BY.
  const axis =
    x === undefined
      ? ['all']
      : edges === undefined
        ? [...new Map(placed.map((p) => [cellKey(p.x), p.x])).values()].sort(compareXCells)
        : edges.slice(0, -1);
  const cells = new Map<string, Map<string, ModelRow[]>>();
  const totals = new Map<string, number>();
  for (const { row, x: cell } of placed) {
    const name = seriesOf(row);
    totals.set(name, (totals.get(name) ?? 0) + 1);
    const byX = cells.get(name) ?? new Map<string, ModelRow[]>();
    cells.set(name, byX);
    byX.set(cellKey(cell), [...(byX.get(cellKey(cell)) ?? []), row]);
  }
  if (spec.group === undefined && !totals.has(seriesName(spec))) totals.set(seriesName(spec), 0);
  const names = [...totals.keys()].sort((a, b) => {
    if (a === 'other' || b === 'other') return a === b ? 0 : a === 'other' ? 1 : -1;
    return (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || compareCodePoints(a, b);
  });
  const empty = spec.agg === 'count' || spec.agg === 'sum' || spec.agg === 'distinct' ? 0 : null;
  return {
    x: axis,
    series: names.map((name) => ({
      name,
      y: axis.map((cell) => {
        const rows = cells.get(name)?.get(cellKey(cell));
        return rows === undefined ? { value: empty, tolerance: 0 } : aggregateValue(spec, rows);
      }),
    })),
    rowsScanned: placed.length,
  };
}
