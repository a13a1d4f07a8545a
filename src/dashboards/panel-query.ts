/**
 * A dashboard panel plus the filter values in force → the URL-style query of the dataset
 * endpoint that answers it (`/aggregate` or `/rows`), exactly as a client would send it.
 */
import { BadParameterError } from '../errors.js';
import type { RawQuery } from '../engine/sql/query-types.js';
import {
  AGGREGATE_PANEL_TYPES,
  type DashboardDefinition,
  type DashboardFilter,
  type DashboardPanel,
  toFilterExpression,
} from '../shared/dashboard-types.js';

/** Rows of a table page when the panel does not say. */
export const DEFAULT_TABLE_LIMIT = 50;
/** Points of a scatter panel when it does not say. */
export const DEFAULT_SCATTER_LIMIT = 5000;
/** Notes drawn on one chart, at most. */
export const ANNOTATIONS_LIMIT = 500;

/** Filter values by column, as URL values (`Benchmarking`, `in.(a,b)`, `gte.2020-01-01`). */
export type FilterValues = Readonly<Record<string, readonly string[]>>;

export type PanelQuery = {
  readonly endpoint: 'aggregate' | 'rows';
  readonly raw: Record<string, string | string[]>;
};

/**
 * The values of each declared filter: from the URL when it names the filter (an empty value
 * means "no filter"), else the default. A URL key that is not a filter is a 400 naming them.
 */
export function resolveFilterValues(
  definition: DashboardDefinition,
  query: RawQuery,
): FilterValues {
  const columns = definition.filters.map((filter) => filter.column);
  for (const key of Object.keys(query)) {
    if (!columns.includes(key)) {
      throw new BadParameterError(
        key,
        `unknown filter "${key}"; the filters of dashboard "${definition.id}" are: ${columns.join(', ') || '(none)'}`,
      );
    }
  }
  const values: Record<string, readonly string[]> = {};
  for (const filter of definition.filters) {
    const given = Object.hasOwn(query, filter.column) ? query[filter.column] : undefined;
    if (given === undefined) values[filter.column] = filter.defaultValues;
    else
      values[filter.column] = (Array.isArray(given) ? given : [given]).filter(
        (value) => value !== '',
      );
  }
  return values;
}

function addFilter(
  raw: Record<string, string | string[]>,
  column: string,
  expressions: readonly string[],
): void {
  if (expressions.length === 0) return;
  const key = `filter.${column}`;
  const existing = raw[key];
  const before = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  raw[key] = [...before, ...expressions];
}

/**
 * Add the dashboard filters that apply to a query on a dataset with `columns`: those whose
 * column it has and that the panel does not ignore.
 */
export function applyFilters(
  raw: Record<string, string | string[]>,
  filters: readonly DashboardFilter[],
  values: FilterValues,
  columns: readonly string[],
  ignore: readonly string[] = [],
): void {
  for (const filter of filters) {
    if (!columns.includes(filter.column) || ignore.includes(filter.column)) continue;
    addFilter(raw, filter.column, (values[filter.column] ?? []).map(toFilterExpression));
  }
}

function set(
  raw: Record<string, string | string[]>,
  key: string,
  value: string | number | undefined,
): void {
  if (value !== undefined) raw[key] = String(value);
}

/** The query answering `panel` on its dataset, whose columns are `columns`. */
export function panelQuery(
  panel: DashboardPanel,
  filters: readonly DashboardFilter[],
  values: FilterValues,
  columns: readonly string[],
): PanelQuery {
  const raw: Record<string, string | string[]> = {};
  const endpoint = AGGREGATE_PANEL_TYPES.includes(panel.type) ? 'aggregate' : 'rows';
  if (endpoint === 'aggregate') {
    for (const key of ['x', 'bucket', 'bins', 'y', 'agg', 'group', 'top', 'points'] as const)
      set(raw, key, panel[key]);
  } else if (panel.type === 'scatter') {
    raw['select'] = [panel.x, panel.y, panel.group]
      .filter((column) => column !== undefined)
      .join(',');
    set(raw, 'limit', panel.limit ?? DEFAULT_SCATTER_LIMIT);
  } else {
    if (panel.select !== undefined) raw['select'] = panel.select.join(',');
    set(raw, 'order', panel.order);
    set(raw, 'limit', panel.limit ?? DEFAULT_TABLE_LIMIT);
  }
  // A panel's fixed filter on a column replaces the dashboard's filter on that column.
  const fixed = Object.keys(panel.where ?? {});
  applyFilters(raw, filters, values, columns, [...(panel.ignoreFilters ?? []), ...fixed]);
  for (const [column, expressions] of Object.entries(panel.where ?? {}))
    addFilter(raw, column, expressions);
  return { endpoint, raw };
}

/** The notes query of a panel's annotations, with the filters that apply to the notes dataset. */
export function annotationsQuery(
  panel: DashboardPanel,
  filters: readonly DashboardFilter[],
  values: FilterValues,
  columns: readonly string[],
): Record<string, string | string[]> | undefined {
  const notes = panel.annotations;
  if (notes === undefined) return undefined;
  const raw: Record<string, string | string[]> = {
    select: `${notes.time},${notes.text}`,
    order: notes.time,
    limit: String(ANNOTATIONS_LIMIT),
  };
  applyFilters(raw, filters, values, columns, panel.ignoreFilters);
  return raw;
}

/** `raw` as a query string, keys in order, repeated keys repeated. */
export function toQueryString(
  raw: Readonly<Record<string, string | readonly string[]>>,
  omit: readonly string[] = [],
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(raw)) {
    if (omit.includes(key)) continue;
    for (const item of typeof value === 'string' ? [value] : value) params.append(key, item);
  }
  return params.toString();
}
