/**
 * Reading raw query-string values shared by the rows and aggregate parsers: one value per
 * endpoint parameter, bounded integers, allow-listed words, and every other key as a filter.
 */
import { BadParameterError } from '../../errors.js';
import { showValue } from './coerce-value.js';
import { parseFilter } from './filters.js';
import { resolveColumn } from './identifiers.js';
import type { Filter, RawQuery, SchemaColumn } from './query-types.js';

/** The prefix that always means "filter this column", even when it shares a parameter's name. */
export const FILTER_PREFIX = 'filter.';
const SHOWN_COLUMNS = 30;

/**
 * The single value of endpoint parameter `key`: undefined when absent or empty (forms send
 * empty fields), a BadParameterError when given more than once.
 */
export function singleValue(raw: RawQuery, key: string): string | undefined {
  const value = Object.hasOwn(raw, key) ? raw[key] : undefined;
  if (Array.isArray(value)) {
    if (value.length > 1) {
      throw new BadParameterError(key, `${key} was given ${value.length} times; give it once`);
    }
    return value[0] === '' ? undefined : value[0];
  }
  return value === '' ? undefined : value;
}

/** `text` as an integer from `min` to `max`, or a BadParameterError saying so. */
export function parseBoundedInteger(key: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new BadParameterError(
      key,
      `${key} must be an integer ${min}-${max}, got ${showValue(text)}`,
    );
  }
  return value;
}

/** `text` if it is one of `allowed`, else a BadParameterError listing them. */
export function parseChoice<T extends string>(key: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) {
    throw new BadParameterError(
      key,
      `${key} must be one of ${allowed.join(', ')}, got ${showValue(text)}`,
    );
  }
  return text as T;
}

function shownColumns(schema: readonly SchemaColumn[]): string {
  const names = schema.slice(0, SHOWN_COLUMNS).map((column) => column.name);
  return names.join(', ') + (schema.length > SHOWN_COLUMNS ? ', …' : '');
}

function filterColumn(
  key: string,
  schema: readonly SchemaColumn[],
  parameters: readonly string[],
): SchemaColumn {
  if (key.startsWith(FILTER_PREFIX)) {
    return resolveColumn(key, key.slice(FILTER_PREFIX.length), schema);
  }
  const column = schema.find((candidate) => candidate.name === key);
  if (column === undefined) {
    throw new BadParameterError(
      key,
      `unknown parameter ${showValue(key)}: the parameters are ${parameters.join(', ')}, and a ` +
        `column is filtered as <column>=<op>.<value> or ${FILTER_PREFIX}<column>=<op>.<value> ` +
        `(columns: ${shownColumns(schema)})`,
    );
  }
  return column;
}

/**
 * Every key of `raw` that is not one of the endpoint's `parameters`, read as a filter: the
 * column is the key after `filter.`, or the key itself. A repeated key gives several filters
 * (ANDed), in the order they were given.
 */
export function parseFilters(
  raw: RawQuery,
  schema: readonly SchemaColumn[],
  parameters: readonly string[],
): Filter[] {
  const filters: Filter[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || parameters.includes(key)) continue;
    const column = filterColumn(key, schema, parameters);
    for (const expression of Array.isArray(value) ? value : [value]) {
      filters.push(parseFilter(key, column, expression));
    }
  }
  return filters;
}
