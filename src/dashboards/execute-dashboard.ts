/**
 * `GET /api/v1/dashboards/{id}/data`: every panel's data, its annotations and the filter
 * options in one response. Panels run in parallel; one that fails carries its error and the
 * others are answered as usual.
 */
import { ERROR_CATALOG, isDashportError } from '../errors.js';
import type { RawQuery } from '../engine/sql/query-types.js';
import type {
  AggregateResponse,
  CellValue,
  CorrelationAnalysis,
  ErrorBody,
  PcaAnalysis,
  ProfilesAnalysis,
  RowsResponse,
} from '../shared/api-types.js';
import {
  ANALYSIS_PANEL_TYPES,
  type DashboardDataResponse,
  type DashboardDefinition,
  type DashboardFilter,
  type DashboardPanel,
  type FilterOptions,
  type PanelAnnotationData,
  type PanelData,
} from '../shared/dashboard-types.js';
import {
  type FilterValues,
  annotationsQuery,
  applyFilters,
  panelQuery,
  resolveFilterValues,
  toQueryString,
} from './panel-query.js';
import { renderMarkdown } from './render-markdown.js';

/** Values a select filter lists, at most; a longer list is marked truncated. */
export const FILTER_OPTIONS_LIMIT = 1000;

/** What the executor needs from the engine: the dataset endpoints' logic, by URL-style query. */
export interface DashboardQueries {
  /** Column names of a dataset; throws (404, 503) when it cannot be queried. */
  columns(dataset: string): Promise<readonly string[]>;
  rows(dataset: string, raw: RawQuery): Promise<RowsResponse>;
  aggregate(dataset: string, raw: RawQuery): Promise<AggregateResponse>;
  analysis(
    dataset: string,
    kind: AnalysisPanelType,
  ): Promise<ProfilesAnalysis | PcaAnalysis | CorrelationAnalysis>;
}

/** The panel types that show a precomputed analysis, named like the analysis endpoint. */
export type AnalysisPanelType = 'profiles' | 'pca' | 'correlation';

function isAnalysisPanel(type: string): type is AnalysisPanelType {
  return (ANALYSIS_PANEL_TYPES as readonly string[]).includes(type);
}

/** Told about errors that are not deliberate DashportErrors (bugs, driver failures). */
export type UnexpectedErrorHandler = (
  error: unknown,
  context: { dashboard: string; part: string },
) => void;

/** The JSON error body an error becomes, as the HTTP layer would answer it; internals stay hidden. */
export function errorBody(error: unknown): ErrorBody {
  if (isDashportError(error)) {
    return {
      statusCode: error.status,
      error: ERROR_CATALOG[error.code].title,
      message: error.message,
      code: error.code,
      ...(error.parameter !== undefined && { parameter: error.parameter }),
    };
  }
  return {
    statusCode: 500,
    error: 'Internal Server Error',
    message: 'the query failed; the server log has the details',
    code: 'DASHPORT_ERR_INTERNAL',
  };
}

function isoDate(value: number | null | undefined): CellValue {
  return value === null || value === undefined ? null : new Date(value).toISOString().slice(0, 10);
}

export interface ExecuteOptions {
  readonly queries: DashboardQueries;
  readonly onUnexpectedError?: UnexpectedErrorHandler;
}

/** Run dashboard `definition` with the URL filter values in `query`. Throws 400 for an unknown filter. */
export async function executeDashboard(
  definition: DashboardDefinition,
  query: RawQuery,
  { queries, onUnexpectedError }: ExecuteOptions,
): Promise<DashboardDataResponse> {
  const values = resolveFilterValues(definition, query);
  const columnsByDataset = new Map<string, Promise<readonly string[]>>();
  const columnsOf = (dataset: string): Promise<readonly string[]> => {
    let columns = columnsByDataset.get(dataset);
    if (!columns) {
      columns = queries.columns(dataset);
      columnsByDataset.set(dataset, columns);
    }
    return columns;
  };
  const report = (part: string) => (error: unknown) => {
    if (!isDashportError(error)) onUnexpectedError?.(error, { dashboard: definition.id, part });
    return errorBody(error);
  };

  const panelEntries = definition.panels.map(async (panel): Promise<[string, PanelData]> => {
    try {
      if (panel.type === 'text') {
        return [panel.id, await textPanel(definition, panel, values, columnsOf, queries, report)];
      }
      if (isAnalysisPanel(panel.type)) {
        const data = await queries.analysis(panel.dataset, panel.type);
        return [panel.id, { kind: 'analysis', dataset: panel.dataset, data }];
      }
      const columns = await columnsOf(panel.dataset);
      const { endpoint, raw } = panelQuery(panel, definition.filters, values, columns);
      if (endpoint === 'rows') {
        const data = await queries.rows(panel.dataset, raw);
        return [
          panel.id,
          {
            kind: 'rows',
            dataset: panel.dataset,
            query: toQueryString(raw, ['limit', 'offset']),
            data,
          },
        ];
      }
      const [data, annotations] = await Promise.all([
        queries.aggregate(panel.dataset, raw),
        loadAnnotations(definition, panel, values, columnsOf, queries).catch(
          report(`panels.${panel.id}.annotations`),
        ),
      ]);
      const base = {
        kind: 'aggregate' as const,
        dataset: panel.dataset,
        query: toQueryString(raw),
        data,
      };
      if (annotations === undefined) return [panel.id, base];
      if ('statusCode' in annotations)
        return [panel.id, { ...base, annotationsError: annotations }];
      return [panel.id, { ...base, annotations }];
    } catch (error) {
      return [
        panel.id,
        { kind: 'error', dataset: panel.dataset, error: report(`panels.${panel.id}`)(error) },
      ];
    }
  });
  const optionEntries = definition.filters.map(async (filter): Promise<[string, FilterOptions]> => {
    try {
      const narrowing = await dependsOnQuery(definition, filter, values, columnsOf);
      return [filter.column, await filterOptions(filter, queries, narrowing)];
    } catch (error) {
      return [filter.column, { error: report(`filters.${filter.column}`)(error) }];
    }
  });
  const [panels, options] = await Promise.all([
    Promise.all(panelEntries),
    Promise.all(optionEntries),
  ]);
  return {
    dashboard: definition.id,
    filters: values,
    options: Object.fromEntries(options),
    panels: Object.fromEntries(panels),
  };
}

async function loadAnnotations(
  definition: DashboardDefinition,
  panel: DashboardPanel,
  values: FilterValues,
  columnsOf: (dataset: string) => Promise<readonly string[]>,
  queries: DashboardQueries,
): Promise<PanelAnnotationData | undefined> {
  if (panel.annotations === undefined) return undefined;
  const columns = await columnsOf(panel.annotations.dataset);
  const raw = annotationsQuery(panel, definition.filters, values, columns);
  if (raw === undefined) return undefined;
  const result = await queries.rows(panel.annotations.dataset, raw);
  return {
    x: result.rows.map((row) => row[0] ?? null),
    text: result.rows.map((row) => (row[1] === null || row[1] === undefined ? '' : String(row[1]))),
  };
}

/**
 * The filters narrowing the options of `filter` (`depends_on`): the values in force of the
 * filters it depends on, on the columns its dataset has.
 */
async function dependsOnQuery(
  definition: DashboardDefinition,
  filter: DashboardFilter,
  values: FilterValues,
  columnsOf: (dataset: string) => Promise<readonly string[]>,
): Promise<Record<string, string | string[]>> {
  const raw: Record<string, string | string[]> = {};
  if (filter.dependsOn === undefined || filter.dependsOn.length === 0) return raw;
  const parents = definition.filters.filter((other) => filter.dependsOn?.includes(other.column));
  applyFilters(raw, parents, values, await columnsOf(filter.dataset));
  return raw;
}

/** A text panel: each value's aggregate (filters applied), then the Markdown rendered safely. */
async function textPanel(
  definition: DashboardDefinition,
  panel: DashboardPanel,
  values: FilterValues,
  columnsOf: (dataset: string) => Promise<readonly string[]>,
  queries: DashboardQueries,
  report: (part: string) => (error: unknown) => ErrorBody,
): Promise<PanelData> {
  const numbers: Record<string, number | null> = {};
  const valueErrors: Record<string, ErrorBody> = {};
  await Promise.all(
    Object.entries(panel.values ?? {}).map(async ([name, value]) => {
      try {
        const spec: DashboardPanel = {
          id: `${panel.id}.${name}`,
          title: name,
          type: 'number',
          dataset: value.dataset,
          width: panel.width,
          ...(value.y !== undefined && { y: value.y }),
          ...(value.agg !== undefined && { agg: value.agg }),
          where: { ...panel.where, ...value.where },
          ...(panel.ignoreFilters !== undefined && { ignoreFilters: panel.ignoreFilters }),
        };
        const columns = await columnsOf(value.dataset);
        const { raw } = panelQuery(spec, definition.filters, values, columns);
        const data = await queries.aggregate(value.dataset, raw);
        numbers[name] = data.series[0]?.y[0] ?? null;
      } catch (error) {
        numbers[name] = null;
        valueErrors[name] = report(`panels.${panel.id}.values.${name}`)(error);
      }
    }),
  );
  return {
    kind: 'text',
    dataset: panel.dataset,
    html: renderMarkdown(panel.text ?? '', numbers),
    ...(Object.keys(valueErrors).length > 0 && { valueErrors }),
  };
}

/**
 * The values a select offers (every distinct value, by count query), or a date range's bounds;
 * `narrowing` holds the filters of the filters it depends on.
 */
export async function filterOptions(
  filter: DashboardFilter,
  queries: DashboardQueries,
  narrowing: Record<string, string | string[]> = {},
): Promise<FilterOptions> {
  if (filter.kind === 'date-range') {
    const [min, max] = await Promise.all([
      queries.aggregate(filter.dataset, { ...narrowing, agg: 'min', y: filter.column }),
      queries.aggregate(filter.dataset, { ...narrowing, agg: 'max', y: filter.column }),
    ]);
    return { min: isoDate(min.series[0]?.y[0]), max: isoDate(max.series[0]?.y[0]) };
  }
  const counts = await queries.aggregate(filter.dataset, {
    ...narrowing,
    x: filter.column,
    agg: 'count',
  });
  const values = counts.x.filter((value) => value !== null);
  return values.length > FILTER_OPTIONS_LIMIT
    ? { values: values.slice(0, FILTER_OPTIONS_LIMIT), truncated: true }
    : { values };
}
