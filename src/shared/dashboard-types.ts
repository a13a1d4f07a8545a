/**
 * Shapes of the declarative dashboards API (`/api/v1/dashboards…`), shared by the server and
 * the web app. Plain types only: no Node or DOM types, so both sides compile against them.
 */
import type {
  AggregateResponse,
  CellValue,
  CorrelationAnalysis,
  ErrorBody,
  PcaAnalysis,
  ProfilesAnalysis,
  RowsResponse,
} from './api-types.js';

export type PanelType =
  | 'line'
  | 'area'
  | 'bar'
  | 'scatter'
  | 'histogram'
  | 'heatmap'
  | 'table'
  | 'number'
  | 'profiles'
  | 'pca'
  | 'correlation'
  | 'text';

/** Every panel type, in the order the docs list them. */
export const PANEL_TYPES: readonly PanelType[] = [
  'line',
  'area',
  'bar',
  'scatter',
  'histogram',
  'heatmap',
  'table',
  'number',
  'profiles',
  'pca',
  'correlation',
  'text',
];

/** Panels showing a precomputed analysis of their dataset (`/analysis/{type}`); filters do not apply. */
export const ANALYSIS_PANEL_TYPES: readonly PanelType[] = ['profiles', 'pca', 'correlation'];

/** Panels answered by `/aggregate`; `table` and `scatter` by `/rows`. */
export const AGGREGATE_PANEL_TYPES: readonly PanelType[] = [
  'line',
  'area',
  'bar',
  'histogram',
  'heatmap',
  'number',
];

export type FilterKind = 'select' | 'date-range';
export type PanelWidth = 'full' | 'half' | 'third';

/** One control of a dashboard, bound to a column. */
export interface DashboardFilter {
  readonly column: string;
  readonly label: string;
  readonly kind: FilterKind;
  /** A multi-select (`?source=in.(a,b)`); only for `kind: select`. */
  readonly multiple: boolean;
  /** The dataset whose values fill the control; panels of other datasets with the column are filtered too. */
  readonly dataset: string;
  /** URL values applied when the URL does not name this filter (`[]`: no filter). */
  readonly defaultValues: readonly string[];
  /** Filters (by column) whose values narrow the options of this one (`depends_on`). */
  readonly dependsOn?: readonly string[];
}

/** A number a text panel's `{{ name }}` placeholder shows: one aggregate over filtered rows. */
export interface TextValue {
  readonly dataset: string;
  readonly y?: string;
  readonly agg?: string;
  readonly where?: Readonly<Record<string, readonly string[]>>;
}

/** A tab of a dashboard: the panels shown together, `?tab=<id>` in the URL. */
export interface DashboardTab {
  readonly id: string;
  readonly title: string;
  readonly panels: readonly string[];
}

/** The URL parameter of the active tab. */
export const TAB_PARAMETER = 'tab';

export interface PanelAnnotations {
  readonly dataset: string;
  readonly time: string;
  readonly text: string;
}

/** One panel as the API serves it: the YAML with defaults filled in. */
export interface DashboardPanel {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly type: PanelType;
  readonly dataset: string;
  readonly width: PanelWidth;
  readonly x?: string;
  readonly bucket?: string;
  readonly bins?: number;
  readonly y?: string;
  readonly agg?: string;
  readonly group?: string;
  readonly top?: number;
  readonly points?: number;
  readonly select?: readonly string[];
  readonly order?: string;
  readonly limit?: number;
  /** Fixed filters of this panel: column → `<op>.<value>` expressions. */
  readonly where?: Readonly<Record<string, readonly string[]>>;
  /** Dashboard filters (by column) that do not apply to this panel. */
  readonly ignoreFilters?: readonly string[];
  readonly stack?: boolean;
  readonly horizontal?: boolean;
  readonly annotations?: PanelAnnotations;
  /** Markdown of a text panel, with `{{ name }}` placeholders for `values`. */
  readonly text?: string;
  readonly values?: Readonly<Record<string, TextValue>>;
  /** `filter`: a click on a bar, slice, cell or legend entry sets the dashboard filter of x or group. */
  readonly onClick?: 'filter';
}

export interface DashboardDefinition {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly dataset: string;
  /** The YAML file, relative to the dashboards dir. */
  readonly file: string;
  readonly filters: readonly DashboardFilter[];
  readonly panels: readonly DashboardPanel[];
  /** Who may see it (SPEC §9): `public: true` or `access: { groups }`; absent: the default. */
  readonly public?: boolean;
  readonly access?: { readonly groups: readonly string[] };
  /** Panels grouped into tabs; absent: one page of every panel. */
  readonly tabs?: readonly DashboardTab[];
  /** Re-fetch the data this often while the page is open (`refresh: 30s`). */
  readonly refreshSeconds?: number;
}

/** A problem found in a dashboard file: which file, where in it and what is wrong. */
export interface DashboardProblem {
  readonly file: string;
  /** `panels[2].type`; empty for the whole file. */
  readonly path: string;
  readonly line?: number;
  /** 1-based column of the problem on `line`, when it is known to the character (a measure). */
  readonly column?: number;
  readonly message: string;
}

export interface DashboardListEntry {
  readonly id: string;
  readonly file: string;
  /** false: the file is invalid, `problems` say why and the dashboard cannot be shown. */
  readonly valid: boolean;
  readonly title: string;
  readonly description?: string;
  readonly dataset?: string;
  readonly panels: number;
  readonly problems: readonly DashboardProblem[];
  /** The full definition of a valid dashboard, so a client needs no second request. */
  readonly definition?: DashboardDefinition;
}

export interface DashboardListResponse {
  readonly dashboards: readonly DashboardListEntry[];
  /** Where editors find the JSON Schema of a dashboard file. */
  readonly schema: string;
}

export interface PanelAnnotationData {
  readonly x: CellValue[];
  readonly text: string[];
}

export type PanelData =
  | {
      readonly kind: 'aggregate';
      readonly dataset: string;
      /** The query string of the panel's `/aggregate` request (filters included). */
      readonly query: string;
      readonly data: AggregateResponse;
      readonly annotations?: PanelAnnotationData;
      readonly annotationsError?: ErrorBody;
    }
  | {
      readonly kind: 'rows';
      readonly dataset: string;
      /** The query string of the panel's `/rows` request without limit and offset. */
      readonly query: string;
      readonly data: RowsResponse;
    }
  | {
      readonly kind: 'analysis';
      readonly dataset: string;
      readonly data: ProfilesAnalysis | PcaAnalysis | CorrelationAnalysis;
    }
  | {
      readonly kind: 'text';
      readonly dataset: string;
      /** Safe HTML rendered from the panel's Markdown, placeholders filled in. */
      readonly html: string;
      /** Values that could not be computed, by placeholder name (shown as "–"). */
      readonly valueErrors?: Readonly<Record<string, ErrorBody>>;
    }
  | { readonly kind: 'error'; readonly dataset: string; readonly error: ErrorBody };

/** What a filter control offers: the values of a select, the bounds of a date range. */
export interface FilterOptions {
  readonly values?: CellValue[];
  /** More distinct values exist than were listed. */
  readonly truncated?: boolean;
  readonly min?: CellValue;
  readonly max?: CellValue;
  readonly error?: ErrorBody;
}

export interface DashboardDataResponse {
  readonly dashboard: string;
  /** The filter values in force (URL values, else defaults), by column. */
  readonly filters: Readonly<Record<string, readonly string[]>>;
  readonly options: Readonly<Record<string, FilterOptions>>;
  readonly panels: Readonly<Record<string, PanelData>>;
}

/** Filter values a signed embed link locks, by column, as URL values (one each). */
export type LockedFilterValues = Readonly<Record<string, string>>;

// URL filter values. A dashboard filter travels as `?column=value`: a bare value means
// equality, `<op>.<value>` (the operators of the rows endpoint) is used as written. These
// helpers are shared so that the server and the web app read a URL the same way.

const EXPRESSION = /^(?:not\.)?(?:eq|neq|gt|gte|lt|lte|like|ilike|in|is)\./;
const NEEDS_QUOTES = /[,()"\\]|^\s|\s$|^$/;

/** `value` is written as `<op>.<operand>` rather than as a bare value. */
export function isFilterExpression(value: string): boolean {
  return EXPRESSION.test(value);
}

/** The `<op>.<value>` expression a URL value stands for (a bare value means `eq.`). */
export function toFilterExpression(value: string): string {
  return isFilterExpression(value) ? value : `eq.${value}`;
}

/** The URL value selecting `value` by equality: bare, unless it would read as an expression. */
export function equalityValue(value: string): string {
  return isFilterExpression(value) ? `eq.${value}` : value;
}

/** The value an equality URL value selects, or undefined when it is another expression. */
export function equalityOperand(urlValue: string): string | undefined {
  if (urlValue.startsWith('eq.')) return urlValue.slice(3);
  return isFilterExpression(urlValue) ? undefined : urlValue;
}

function quoteItem(item: string): string {
  return NEEDS_QUOTES.test(item) ? `"${item.replace(/["\\]/g, '\\$&')}"` : item;
}

/** `in.(a,b)` selecting any of `values`; items with commas, quotes or parentheses are quoted. */
export function inListValue(values: readonly string[]): string {
  return `in.(${values.map(quoteItem).join(',')})`;
}

/** The items of an `in.(…)` URL value, or undefined when it is not one. */
export function inListOperands(urlValue: string): string[] | undefined {
  if (!urlValue.startsWith('in.(') || !urlValue.endsWith(')')) return undefined;
  const inner = urlValue.slice(4, -1);
  if (inner === '') return [];
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < inner.length; index += 1) {
    const char = inner[index] as string;
    if (quoted) {
      if (char === '\\' && index + 1 < inner.length) {
        index += 1;
        current += inner[index];
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      items.push(current);
      current = '';
    } else current += char;
  }
  if (quoted) return undefined;
  items.push(current);
  return items;
}

const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function shiftDay(date: string, days: number): string | undefined {
  const match = PLAIN_DATE.exec(date);
  if (!match) return undefined;
  const shifted = new Date(
    Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days),
  );
  return Number.isNaN(shifted.getTime()) ? undefined : shifted.toISOString().slice(0, 10);
}

/** The URL value starting a date range on day `from`, inclusive. */
export function lowerBound(from: string): string {
  return `gte.${from}`;
}

/**
 * The URL value ending a date range on day `to`, inclusive: `lt.<next day>` for a plain date,
 * so that a timestamp column keeps the whole last day; any other text as `lte.<to>`.
 */
export function upperBound(to: string): string {
  const next = shiftDay(to, 1);
  return next === undefined ? `lte.${to}` : `lt.${next}`;
}

/** The inclusive days a date range's URL values select (the inverse of lowerBound/upperBound). */
export function dateRangeOf(values: readonly string[]): { from?: string; to?: string } {
  const range: { from?: string; to?: string } = {};
  for (const value of values) {
    if (value.startsWith('gte.')) range.from = value.slice(4);
    else if (value.startsWith('gt.')) range.from = shiftDay(value.slice(3), 1) ?? value.slice(3);
    else if (value.startsWith('lte.')) range.to = value.slice(4);
    else if (value.startsWith('lt.')) range.to = shiftDay(value.slice(3), -1) ?? value.slice(3);
  }
  return range;
}
