/**
 * What a click on an aggregate chart point means: the rows behind it (drill-down) as a rows
 * query, and the dashboard filters a cross-filtering click sets. Pure, so both are tested
 * without a browser.
 */
import type { CellValue } from '../../../src/shared/api-types.js';
import {
  type DashboardFilter,
  type DashboardPanel,
  equalityValue,
  inListValue,
} from '../../../src/shared/dashboard-types.js';

/** The series the API names for every group past `top`, and for a NULL group. */
const OTHER_GROUP = 'other';
const NULL_GROUP = 'null';
const MIDNIGHT = /^(\d{4}-\d{2}-\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?$/;

/** One clicked point: its index on the x axis and its series (the group label). */
export interface ChartPoint {
  readonly xIndex: number | undefined;
  readonly series: string | undefined;
}

/** A time cell as a filter bound: a plain date at midnight (date and timestamp columns read it). */
function timeBound(value: string): string {
  return MIDNIGHT.exec(value)?.[1] ?? value;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** The start of the bucket after the one starting at `start`, as ISO text. */
export function nextBucket(start: string, bucket: string): string | undefined {
  const time = Date.parse(MIDNIGHT.test(start) ? `${timeBound(start)}T00:00:00Z` : start);
  if (Number.isNaN(time)) return undefined;
  const date = new Date(time);
  const add: Record<string, () => void> = {
    minute: () => date.setUTCMinutes(date.getUTCMinutes() + 1),
    hour: () => date.setUTCHours(date.getUTCHours() + 1),
    day: () => date.setUTCDate(date.getUTCDate() + 1),
    week: () => date.setUTCDate(date.getUTCDate() + 7),
    month: () => date.setUTCMonth(date.getUTCMonth() + 1),
    quarter: () => date.setUTCMonth(date.getUTCMonth() + 3),
    year: () => date.setUTCFullYear(date.getUTCFullYear() + 1),
  };
  const step = add[bucket];
  if (step === undefined) return undefined;
  step();
  const day = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  if (bucket !== 'minute' && bucket !== 'hour') return day;
  return `${day}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:00Z`;
}

/** The conditions on x that select the rows of cell `index`. */
function xConditions(panel: DashboardPanel, x: readonly CellValue[], index: number): string[] {
  const value = x[index];
  if (value === undefined) return [];
  if (value === null) return ['is.null'];
  if (panel.bins !== undefined && typeof value === 'number') {
    const next = x[index + 1];
    // x holds each bin's lower edge; the last bin ends at the largest value, inclusive.
    return typeof next === 'number' ? [`gte.${value}`, `lt.${next}`] : [`gte.${value}`];
  }
  if (panel.bucket !== undefined) {
    const start = String(value);
    const end = nextBucket(start, panel.bucket);
    return end === undefined
      ? [`gte.${timeBound(start)}`]
      : [`gte.${timeBound(start)}`, `lt.${end}`];
  }
  return [`eq.${String(value)}`];
}

/**
 * The rows query (without limit) behind one point of aggregate panel `panel`, whose
 * `/aggregate` query string was `aggregateQuery`: the same filters, plus that point's x cell
 * (value, bucket or bin) and group.
 */
export function drillDownQuery(
  panel: DashboardPanel,
  aggregateQuery: string,
  x: readonly CellValue[],
  seriesNames: readonly string[],
  point: ChartPoint,
): string {
  const source = new URLSearchParams(aggregateQuery);
  const out = new URLSearchParams();
  for (const [key, value] of source) if (key.startsWith('filter.')) out.append(key, value);
  if (panel.x !== undefined && point.xIndex !== undefined) {
    for (const condition of xConditions(panel, x, point.xIndex))
      out.append(`filter.${panel.x}`, condition);
  }
  if (panel.group !== undefined && point.series !== undefined) {
    const key = `filter.${panel.group}`;
    if (point.series === NULL_GROUP) out.append(key, 'is.null');
    else if (point.series === OTHER_GROUP) {
      const named = seriesNames.filter((name) => name !== OTHER_GROUP && name !== NULL_GROUP);
      out.append(key, `not.${inListValue(named)}`);
      if (seriesNames.includes(NULL_GROUP)) out.append(key, 'not.is.null');
    } else out.append(key, `eq.${point.series}`);
  }
  return out.toString();
}

/** A filter to set: the filter and its new URL values. */
export interface FilterChange {
  readonly filter: DashboardFilter;
  readonly values: readonly string[];
}

function selecting(filter: DashboardFilter, value: string): string[] {
  return filter.multiple ? [inListValue([value])] : [equalityValue(value)];
}

/**
 * The dashboard filters a cross-filtering click on `point` sets: x's value (when x is neither
 * bucketed nor binned) and the group's, for each that is a select filter. Clicking what is
 * already the filter's only value clears it. `other` and `null` groups set nothing.
 */
export function crossFilterChanges(
  panel: DashboardPanel,
  filters: readonly DashboardFilter[],
  current: Readonly<Record<string, readonly string[]>>,
  x: readonly CellValue[],
  point: ChartPoint,
): FilterChange[] {
  const changes: FilterChange[] = [];
  const add = (column: string | undefined, value: CellValue | undefined) => {
    if (column === undefined || value === undefined || value === null) return;
    const filter = filters.find((f) => f.column === column && f.kind === 'select');
    if (filter === undefined) return;
    const next = selecting(filter, String(value));
    const same = (current[column] ?? []).join('\n') === next.join('\n');
    changes.push({ filter, values: same ? [] : next });
  };
  if (panel.bucket === undefined && panel.bins === undefined && point.xIndex !== undefined) {
    const value = x[point.xIndex];
    if (panel.x !== undefined) add(panel.x, value);
  }
  if (point.series !== undefined && point.series !== OTHER_GROUP && point.series !== NULL_GROUP)
    add(panel.group, point.series);
  return changes;
}

/** What ECharts passes to a click handler, as far as a point needs it. */
export interface ChartClick {
  readonly componentType?: string;
  readonly seriesType?: string;
  readonly seriesName?: string;
  readonly name?: string;
  readonly dataIndex?: number;
  readonly value?: unknown;
}

/**
 * The point of aggregate panel `panel` that a click (or a legend entry, `legend`) names, given
 * the series of its data: heatmap cells carry [x, row], bars of a group-only chart their group
 * as the category, every other chart its x index and series.
 */
export function chartPoint(
  panel: DashboardPanel,
  seriesNames: readonly string[],
  click: ChartClick | undefined,
  legend?: string,
): ChartPoint | undefined {
  if (legend !== undefined) return { xIndex: undefined, series: legend };
  if (click === undefined || click.componentType !== 'series') return undefined;
  if (click.seriesType === 'heatmap' && Array.isArray(click.value)) {
    const [column, row] = click.value as [number, number];
    return { xIndex: column, series: seriesNames[row] };
  }
  if (panel.x === undefined) return { xIndex: 0, series: click.name };
  return {
    xIndex: click.dataIndex,
    series: panel.group === undefined ? undefined : click.seriesName,
  };
}
