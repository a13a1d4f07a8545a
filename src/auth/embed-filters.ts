/**
 * The filter values a signed embed link locks (SPEC §9): read from `--filter k=v` when the link
 * is made, checked against the dashboard's filters, and forced onto every dashboard-data
 * request the link makes. A viewer may change the filters the link leaves open; asking for
 * another value of a locked one is refused, never silently overridden, so a tampered URL cannot
 * look as if it had worked.
 */
import { UsageError } from '../errors.js';
import { FILTER_PREFIX } from '../engine/sql/query-parameters.js';
import type { RawQuery } from '../engine/sql/query-types.js';
import { type DashboardDefinition, toFilterExpression } from '../shared/dashboard-types.js';

/** Locked filter values by column, as URL values (`Benchmarking`, `in.(a,b)`, `gte.2020-01-01`). */
export type LockedFilters = Readonly<Record<string, string>>;

/** `['tool=Benchmarking', 'source=in.(a,b)']` → `{ tool: 'Benchmarking', source: 'in.(a,b)' }`. */
export function parseFilterFlags(flags: readonly string[]): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const flag of flags) {
    const at = flag.indexOf('=');
    const key = at === -1 ? '' : flag.slice(0, at).trim();
    if (key === '') {
      throw new UsageError(
        `--filter must be COLUMN=VALUE (e.g. --filter tool=Benchmarking, --filter source=in.(a,b)), got "${flag}"`,
      );
    }
    if (Object.hasOwn(filters, key)) {
      throw new UsageError(
        `--filter ${key} is given twice; lock several values with one --filter ${key}=in.(a,b)`,
      );
    }
    filters[key] = flag.slice(at + 1);
  }
  return filters;
}

/** Throws a UsageError naming the first key that is not a filter of `definition`, and the allowed ones. */
export function checkEmbedFilters(definition: DashboardDefinition, filters: LockedFilters): void {
  const allowed = definition.filters.map((filter) => filter.column);
  for (const key of Object.keys(filters)) {
    if (!allowed.includes(key)) {
      throw new UsageError(
        `--filter ${key}: dashboard "${definition.id}" has no filter "${key}"; its filters are: ${allowed.join(', ') || '(none)'}`,
      );
    }
  }
}

export type LockResult =
  | { readonly ok: true; readonly query: RawQuery }
  | { readonly ok: false; readonly filter: string; readonly locked: string };

function sameValue(given: string | readonly string[], locked: string): boolean {
  const values = typeof given === 'string' ? [given] : given;
  if (values.length !== 1) return false;
  const value = values[0] as string;
  if (locked === '' || value === '') return locked === value;
  return toFilterExpression(value) === toFilterExpression(locked);
}

/**
 * The dashboard-data query with the locked values in force. A request that names a locked
 * filter with the same value (`tool=Benchmarking` or `tool=eq.Benchmarking`) passes; any other
 * value of a locked filter is a conflict naming it.
 */
export function lockFilters(query: RawQuery, locked: LockedFilters): LockResult {
  const merged: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) merged[key] = Array.isArray(value) ? [...value] : value;
  }
  for (const [column, value] of Object.entries(locked)) {
    const given = Object.hasOwn(merged, column) ? merged[column] : undefined;
    if (given !== undefined && !sameValue(given, value)) {
      return { ok: false, filter: column, locked: value };
    }
    merged[column] = value;
  }
  return { ok: true, query: merged };
}

/**
 * A dataset endpoint's query (`/rows`, `/aggregate`) as an embed link may ask it: each locked
 * filter whose column the dataset has is added as `filter.<column>=<op>.<value>`, so an embed
 * page's table pages and CSV downloads can never reach rows outside the lock. A query that
 * filters a locked column by another value is a conflict naming it. `parameters` are the
 * endpoint's own names (`select`, `x`…), which are not filters even when a column shares them.
 */
export function lockDatasetQuery(
  query: RawQuery,
  locked: LockedFilters,
  columns: readonly string[],
  parameters: readonly string[],
): LockResult {
  const merged: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) merged[key] = Array.isArray(value) ? [...value] : value;
  }
  for (const [column, value] of Object.entries(locked)) {
    if (value === '' || !columns.includes(column)) continue;
    const expression = toFilterExpression(value);
    const keys = [`${FILTER_PREFIX}${column}`, ...(parameters.includes(column) ? [] : [column])];
    for (const key of keys) {
      const given = Object.hasOwn(merged, key) ? merged[key] : undefined;
      if (given === undefined) continue;
      const values = typeof given === 'string' ? [given] : given;
      if (values.some((item) => item !== expression)) {
        return { ok: false, filter: column, locked: value };
      }
      delete merged[key];
    }
    merged[`${FILTER_PREFIX}${column}`] = expression;
  }
  return { ok: true, query: merged };
}
