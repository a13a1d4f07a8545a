/**
 * A validated dashboard file → the definition the API serves: ids, titles, widths and filter
 * defaults filled in, so the server's executor and the web app never guess a default.
 */
import {
  type DashboardDefinition,
  type DashboardFilter,
  type DashboardPanel,
  type PanelWidth,
  type TextValue,
  equalityValue,
  inListValue,
  toFilterExpression,
  upperBound,
} from '../shared/dashboard-types.js';
import { looksLikeMeasure } from '../engine/sql/measure-expression.js';
import { type DashboardFile, refreshSeconds } from './dashboard-schema.js';

/** Bins of a histogram panel that does not say. */
export const DEFAULT_HISTOGRAM_BINS = 30;

type FileFilter = DashboardFile['filters'][number];
type FilePanel = DashboardFile['panels'][number];

/** The URL values a filter's `default` stands for. */
export function defaultValues(filter: FileFilter): string[] {
  const value = filter.default;
  if (value === undefined) return [];
  if (typeof value === 'object' && !Array.isArray(value)) {
    const bounds: string[] = [];
    if (value.from !== undefined) bounds.push(`gte.${value.from}`);
    if (value.to !== undefined) bounds.push(upperBound(value.to));
    return bounds;
  }
  if (filter.multiple) {
    const list = Array.isArray(value) ? value : [value];
    return [inListValue(list.map(String))];
  }
  return Array.isArray(value) ? [] : [equalityValue(String(value))];
}

function humanize(column: string): string {
  const words = column.replace(/[_.-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A title for a panel that has none: what it shows, from its query. */
export function panelTitle(panel: FilePanel): string {
  if (panel.title !== undefined && panel.title.trim() !== '') return panel.title;
  if (panel.type === 'table') return 'Rows';
  if (panel.type === 'profiles') return 'Class profiles';
  if (panel.type === 'pca') return 'PCA';
  if (panel.type === 'correlation') return 'Correlation';
  if (panel.type === 'text') return '';
  if (panel.type === 'scatter') return `${humanize(panel.y ?? '')} by ${panel.x ?? ''}`;
  if (panel.type === 'histogram') return `Distribution of ${panel.x ?? ''}`;
  const agg = panel.agg ?? 'count';
  const measure =
    panel.y !== undefined && looksLikeMeasure(panel.y)
      ? panel.y
      : agg === 'count' || panel.y === undefined
        ? 'Rows'
        : `${humanize(agg)} of ${panel.y}`;
  const by = panel.x ?? panel.group;
  const per = panel.bucket !== undefined ? ` per ${panel.bucket}` : '';
  return by === undefined ? measure : `${measure} by ${by}${per}`;
}

function widthOf(panel: FilePanel): PanelWidth {
  if (panel.width !== undefined) return panel.width;
  if (panel.type === 'table' || panel.type === 'profiles') return 'full';
  return panel.type === 'number' ? 'third' : 'half';
}

function normalizeWhere(where: FilePanel['where']): Record<string, string[]> | undefined {
  if (where === undefined) return undefined;
  const out: Record<string, string[]> = {};
  for (const [column, value] of Object.entries(where)) {
    out[column] = (Array.isArray(value) ? value : [value]).map(toFilterExpression);
  }
  return out;
}

function normalizePanel(panel: FilePanel, index: number, dataset: string): DashboardPanel {
  const where = normalizeWhere(panel.where);
  const bins = panel.bins ?? (panel.type === 'histogram' ? DEFAULT_HISTOGRAM_BINS : undefined);
  const select =
    panel.select === undefined
      ? undefined
      : Array.isArray(panel.select)
        ? panel.select
        : [panel.select];
  return {
    id: panel.id ?? `panel-${index + 1}`,
    title: panelTitle(panel),
    type: panel.type,
    dataset: panel.dataset ?? dataset,
    width: widthOf(panel),
    ...(panel.description !== undefined && { description: panel.description }),
    ...(panel.x !== undefined && { x: panel.x }),
    ...(panel.bucket !== undefined && { bucket: panel.bucket }),
    ...(bins !== undefined && { bins }),
    ...(panel.y !== undefined && { y: panel.y }),
    ...(panel.agg !== undefined && { agg: panel.agg }),
    ...(panel.group !== undefined && { group: panel.group }),
    ...(panel.top !== undefined && { top: panel.top }),
    ...(panel.points !== undefined && { points: panel.points }),
    ...(select !== undefined && { select }),
    ...(panel.order !== undefined && { order: panel.order }),
    ...(panel.limit !== undefined && { limit: panel.limit }),
    ...(where !== undefined && { where }),
    ...(panel.ignore_filters !== undefined && { ignoreFilters: panel.ignore_filters }),
    ...(panel.stack !== undefined && { stack: panel.stack }),
    ...(panel.horizontal !== undefined && { horizontal: panel.horizontal }),
    ...(panel.annotations !== undefined && { annotations: panel.annotations }),
    ...(panel.text !== undefined && { text: panel.text }),
    ...(panel.values !== undefined && {
      values: normalizeValues(panel.values, panel.dataset ?? dataset),
    }),
    ...(panel.on_click !== undefined && { onClick: panel.on_click }),
  };
}

function normalizeValues(
  values: NonNullable<FilePanel['values']>,
  dataset: string,
): Record<string, TextValue> {
  const out: Record<string, TextValue> = {};
  for (const [key, value] of Object.entries(values)) {
    const where = normalizeWhere(value.where);
    out[key] = {
      dataset: value.dataset ?? dataset,
      ...(value.y !== undefined && { y: value.y }),
      ...(value.agg !== undefined && { agg: value.agg }),
      ...(where !== undefined && { where }),
    };
  }
  return out;
}

function normalizeFilter(filter: FileFilter, dataset: string): DashboardFilter {
  return {
    column: filter.column,
    label: filter.label ?? humanize(filter.column),
    kind: filter.type,
    multiple: filter.multiple,
    dataset: filter.dataset ?? dataset,
    defaultValues: defaultValues(filter),
    ...(filter.depends_on !== undefined && {
      dependsOn: Array.isArray(filter.depends_on) ? filter.depends_on : [filter.depends_on],
    }),
  };
}

/** The served definition of dashboard `id` read from `file` (relative to the dashboards dir). */
export function normalizeDashboard(
  parsed: DashboardFile,
  id: string,
  file: string,
): DashboardDefinition {
  return {
    id,
    title: parsed.title,
    ...(parsed.description !== undefined && { description: parsed.description }),
    dataset: parsed.dataset,
    file,
    filters: parsed.filters.map((filter) => normalizeFilter(filter, parsed.dataset)),
    panels: parsed.panels.map((panel, index) => normalizePanel(panel, index, parsed.dataset)),
    ...(parsed.public !== undefined && { public: parsed.public }),
    ...(parsed.access !== undefined && { access: { groups: parsed.access.groups } }),
    ...(parsed.tabs !== undefined && {
      tabs: parsed.tabs.map((tab) => ({
        id: tab.id,
        title: tab.title ?? tab.id,
        panels: tab.panels,
      })),
    }),
    ...(parsed.refresh !== undefined && { refreshSeconds: refreshSeconds(parsed.refresh) ?? 0 }),
  };
}
