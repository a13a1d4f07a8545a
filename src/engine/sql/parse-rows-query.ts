/**
 * URL parameters of `GET /api/v1/datasets/{id}/rows` → a validated RowsQuery, PostgREST style:
 * `select=a,b`, `order=a.desc,b.asc.nullslast`, `limit`, `offset`, `format`, and filters.
 */
import { BadParameterError } from '../../errors.js';
import { showValue } from './coerce-value.js';
import { resolveColumn } from './identifiers.js';
import { readQuoted, splitList, unquoteItem } from './parse-list.js';
import { parseBoundedInteger, parseChoice, parseFilters, singleValue } from './query-parameters.js';
import {
  ROWS_DEFAULT_LIMIT,
  ROWS_MAX_LIMIT,
  ROWS_PARAMETERS,
  type OrderTerm,
  type RawQuery,
  type RowsFormat,
  type RowsQuery,
  type SchemaColumn,
} from './query-types.js';

/** Every output format of the rows endpoint; the first is the default. */
export const ROWS_FORMATS: readonly RowsFormat[] = ['json', 'csv', 'ndjson', 'parquet', 'arrow'];

const DIRECTIONS = new Set(['asc', 'desc']);
const NULLS = new Map<string, 'first' | 'last'>([
  ['nullsfirst', 'first'],
  ['nullslast', 'last'],
]);
const ORDER_HELP =
  'order=<column>[.asc|.desc][.nullsfirst|.nullslast],… expected (quote a column name that ' +
  'contains commas or dots: "a.b".desc)';

function parseSelect(text: string | undefined, schema: readonly SchemaColumn[]): string[] {
  if (text === undefined || text === '*') return schema.map((column) => column.name);
  const names = splitList('select', text).map((item) => unquoteItem('select', item));
  return [...new Set(names.map((name) => resolveColumn('select', name, schema).name))];
}

/** The direction and nulls placement that the modifiers after a column name (`.desc.nullslast`) ask for. */
function applyModifiers(item: string, modifiers: readonly string[]): Omit<OrderTerm, 'column'> {
  let direction: 'asc' | 'desc' = 'asc';
  let nulls: 'first' | 'last' | undefined;
  for (const [index, modifier] of modifiers.entries()) {
    const nullsOrder = NULLS.get(modifier);
    if (index === 0 && (modifier === 'asc' || modifier === 'desc')) {
      direction = modifier;
    } else if (nullsOrder !== undefined && index === modifiers.length - 1) {
      nulls = nullsOrder;
    } else {
      throw new BadParameterError('order', `order: cannot read ${showValue(item)}; ${ORDER_HELP}`);
    }
  }
  return nulls === undefined ? { direction } : { direction, nulls };
}

/**
 * One `order` item. An unquoted column name may itself contain dots, so the modifiers are
 * taken from the end: `a.b.desc` is column `a.b` descending when `a.b` is a column.
 */
function parseOrderItem(item: string, schema: readonly SchemaColumn[]): OrderTerm {
  if (item.startsWith('"')) {
    const { value, end } = readQuoted('order', item);
    const rest = item.slice(end);
    if (rest !== '' && !rest.startsWith('.')) {
      throw new BadParameterError('order', `order: cannot read ${showValue(item)}; ${ORDER_HELP}`);
    }
    const column = resolveColumn('order', value, schema).name;
    return { column, ...applyModifiers(item, rest === '' ? [] : rest.slice(1).split('.')) };
  }
  const parts = item.split('.');
  const modifiers: string[] = [];
  while (parts.length > 1 && modifiers.length < 2) {
    const last = parts[parts.length - 1] as string;
    if (schema.some((column) => column.name === parts.join('.'))) break;
    if (!DIRECTIONS.has(last) && !NULLS.has(last)) break;
    modifiers.unshift(last);
    parts.pop();
  }
  const column = resolveColumn('order', parts.join('.'), schema).name;
  return { column, ...applyModifiers(item, modifiers) };
}

function parseOrder(text: string | undefined, schema: readonly SchemaColumn[]): OrderTerm[] {
  if (text === undefined) return [];
  return splitList('order', text).map((item) => {
    if (item === '') throw new BadParameterError('order', `order: empty item; ${ORDER_HELP}`);
    return parseOrderItem(item, schema);
  });
}

/** The validated rows query for `raw`; BadParameterError or UnknownColumnError on any bad part. */
export function parseRowsQuery(raw: RawQuery, schema: readonly SchemaColumn[]): RowsQuery {
  const limit = singleValue(raw, 'limit');
  const offset = singleValue(raw, 'offset');
  const format = singleValue(raw, 'format');
  return {
    select: parseSelect(singleValue(raw, 'select'), schema),
    order: parseOrder(singleValue(raw, 'order'), schema),
    limit:
      limit === undefined
        ? ROWS_DEFAULT_LIMIT
        : parseBoundedInteger('limit', limit, 0, ROWS_MAX_LIMIT),
    offset:
      offset === undefined ? 0 : parseBoundedInteger('offset', offset, 0, Number.MAX_SAFE_INTEGER),
    filters: parseFilters(raw, schema, ROWS_PARAMETERS),
    format: format === undefined ? 'json' : parseChoice('format', format, ROWS_FORMATS),
  };
}
