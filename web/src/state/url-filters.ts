/**
 * Dashboard filters in the page URL. The page's query string holds one parameter per filter
 * that the user set (`?tool=Benchmarking&source=in.(a,b)`); a filter the URL does not name
 * takes its default, and an empty value (`?tool=`) means "no filter", exactly as the data
 * endpoint reads them, so the page URL's query is passed to it as it is.
 */
import {
  type DashboardFilter,
  type DashboardTab,
  TAB_PARAMETER,
  dateRangeOf,
  equalityOperand,
  equalityValue,
  inListOperands,
  inListValue,
  lowerBound,
  upperBound,
} from '../../../src/shared/dashboard-types.js';

export type FilterValues = Readonly<Record<string, readonly string[]>>;

/** The values in force for each filter: the URL's when it names the filter, else the default. */
export function effectiveFilterValues(
  search: string,
  filters: readonly DashboardFilter[],
): FilterValues {
  const params = new URLSearchParams(search);
  const values: Record<string, readonly string[]> = {};
  for (const filter of filters) {
    values[filter.column] = params.has(filter.column)
      ? params.getAll(filter.column).filter((value) => value !== '')
      : filter.defaultValues;
  }
  return values;
}

// The data request's query is computed where the server can compute it too (its preload).
export { dataQuery } from '../../../src/shared/dashboard-data-url.js';

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/**
 * The page query string with filter `filter` set to `values`: the parameter is dropped when
 * the values are the default, written empty when "no filter" differs from the default.
 */
export function withFilterValues(
  search: string,
  filter: DashboardFilter,
  values: readonly string[],
): string {
  const params = new URLSearchParams(search);
  params.delete(filter.column);
  if (!sameValues(values, filter.defaultValues)) {
    if (values.length === 0) params.set(filter.column, '');
    for (const value of values) params.append(filter.column, value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The value a single select shows ('' for all, undefined for an expression it cannot show). */
export function selectedValue(values: readonly string[]): string | undefined {
  if (values.length === 0) return '';
  if (values.length > 1) return undefined;
  return equalityOperand(values[0] as string);
}

/** The URL values selecting `value` in a single select ('' = all). */
export function selectValues(value: string): string[] {
  return value === '' ? [] : [equalityValue(value)];
}

/** The values a multi-select shows checked (undefined for an expression it cannot show). */
export function checkedValues(values: readonly string[]): string[] | undefined {
  if (values.length === 0) return [];
  if (values.length > 1) return undefined;
  const value = values[0] as string;
  const list = inListOperands(value);
  if (list !== undefined) return list;
  const single = equalityOperand(value);
  return single === undefined ? undefined : [single];
}

/** The URL values selecting any of `checked` (none checked = no filter). */
export function multiValues(checked: readonly string[]): string[] {
  return checked.length === 0 ? [] : [inListValue(checked)];
}

/** The URL values of a date range from its inclusive days ('' = open). */
export function dateRangeValues(from: string, to: string): string[] {
  const values: string[] = [];
  if (from !== '') values.push(lowerBound(from));
  if (to !== '') values.push(upperBound(to));
  return values;
}

export { dateRangeOf };

/** The active tab of a dashboard with `tabs`: `?tab=<id>`, else the first. */
export function activeTab(
  search: string,
  tabs: readonly DashboardTab[] | undefined,
): DashboardTab | undefined {
  if (tabs === undefined || tabs.length === 0) return undefined;
  const id = new URLSearchParams(search).get(TAB_PARAMETER);
  return tabs.find((tab) => tab.id === id) ?? tabs[0];
}

/** The page query string showing tab `id` (the first tab needs no parameter). */
export function withTab(search: string, tabs: readonly DashboardTab[], id: string): string {
  const params = new URLSearchParams(search);
  if (tabs[0]?.id === id) params.delete(TAB_PARAMETER);
  else params.set(TAB_PARAMETER, id);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
