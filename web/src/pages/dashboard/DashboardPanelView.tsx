/** One declarative panel: its chart, number or table from the dashboard data response. */
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import type {
  DashboardFilter,
  DashboardPanel,
  PanelData,
} from '../../../../src/shared/dashboard-types.js';
import { rowsUrl } from '../../api/client.js';
import { type AggregateChartSpec, aggregateOption } from '../../charts/aggregate-option.js';
import {
  correlationOption,
  pcaOption,
  profilesOption,
  scatterOption,
} from '../../charts/analysis-option.js';
import { Chart } from '../../charts/Chart.js';
import type { ChartOption } from '../../charts/chart-option.js';
import type { ECharts } from '../../charts/echarts-runtime.js';
import {
  type Table,
  aggregateTable,
  correlationTable,
  pcaTable,
  profilesTable,
  rowsTable,
} from '../../data/chart-table.js';
import { formatNumber } from '../../data/format.js';
import { PanelFrame } from '../../components/PanelFrame.js';
import {
  type ChartClick,
  type ChartPoint,
  type FilterChange,
  chartPoint,
  crossFilterChanges,
  drillDownQuery,
} from '../../state/point-query.js';
import { DrillDownRows } from './DrillDownRows.js';
import { TablePanelBody } from './TablePanelBody.js';

/** Rows a table panel's CSV download holds at most (the rows endpoint's limit). */
const CSV_ROW_LIMIT = 10_000;

export interface DashboardPanelViewProps {
  readonly panel: DashboardPanel;
  readonly data: PanelData | undefined;
  /** The dashboard request failed (no data for any panel). */
  readonly requestError: Error | undefined;
  readonly refreshing: boolean;
  readonly generation: string;
  readonly onSettled: (panelId: string) => void;
  readonly filters?: readonly DashboardFilter[];
  readonly filterValues?: Readonly<Record<string, readonly string[]>>;
  /** Cross-filtering (`on_click: filter`): set these dashboard filters. */
  readonly onFilters?: (changes: readonly FilterChange[]) => void;
}

interface Drill {
  readonly query: string;
  readonly label: string;
}

function pointLabel(panel: DashboardPanel, x: readonly unknown[], point: ChartPoint): string {
  const parts: string[] = [];
  if (panel.x !== undefined && point.xIndex !== undefined)
    parts.push(`${panel.x} ${String(x[point.xIndex] ?? 'null')}`);
  if (panel.group !== undefined && point.series !== undefined)
    parts.push(`${panel.group} ${point.series}`);
  return parts.join(', ') || panel.title;
}

interface View {
  readonly option?: ChartOption;
  readonly table?: Table;
  readonly number?: number | null;
}

function viewOf(panel: DashboardPanel, data: PanelData): View {
  switch (data.kind) {
    case 'aggregate': {
      const table = aggregateTable(data.data, panel.x ?? '');
      if (panel.type === 'number') return { table, number: data.data.series[0]?.y[0] ?? null };
      return {
        table,
        option: aggregateOption(panel as AggregateChartSpec, data.data, data.annotations),
      };
    }
    case 'rows': {
      const table = rowsTable(data.data);
      if (panel.type === 'scatter')
        return {
          table,
          option: scatterOption(data.data, panel.x ?? '', panel.y ?? '', panel.group),
        };
      return { table };
    }
    case 'analysis': {
      if (panel.type === 'profiles' && 'classes' in data.data)
        return { table: profilesTable(data.data), option: profilesOption(data.data) };
      if (panel.type === 'pca' && 'points' in data.data)
        return { table: pcaTable(data.data), option: pcaOption(data.data) };
      if (panel.type === 'correlation' && 'matrix' in data.data)
        return { table: correlationTable(data.data), option: correlationOption(data.data) };
      return {};
    }
    case 'text':
    case 'error':
      return {};
  }
}

export function DashboardPanelView({
  panel,
  data,
  requestError,
  refreshing,
  generation,
  onSettled,
  filters = [],
  filterValues = {},
  onFilters,
}: DashboardPanelViewProps) {
  const view = useMemo(() => (data ? viewOf(panel, data) : undefined), [panel, data]);
  const [drawnOption, setDrawnOption] = useState<ChartOption>();
  const [chart, setChart] = useState<ECharts>();
  const [drill, setDrill] = useState<Drill>();
  useEffect(() => setDrill(undefined), [data?.kind === 'aggregate' ? data.query : '']);

  // A point of an aggregate chart: cross-filter with on_click: filter, else its rows.
  const onPoint = (click: ChartClick | undefined, legend?: string) => {
    if (data?.kind !== 'aggregate') return;
    const names = data.data.series.map((series) => series.name);
    const point = chartPoint(panel, names, click, legend);
    if (point === undefined) return;
    if (panel.onClick === 'filter') {
      const changes = crossFilterChanges(panel, filters, filterValues, data.data.x, point);
      if (changes.length > 0) onFilters?.(changes);
      return;
    }
    if (legend !== undefined) return;
    setDrill({
      query: drillDownQuery(panel, data.query, data.data.x, names, point),
      label: pointLabel(panel, data.data.x, point),
    });
  };

  const error =
    data?.kind === 'error'
      ? data.error.message
      : data === undefined
        ? requestError?.message
        : undefined;
  const state = error !== undefined ? 'error' : data === undefined ? 'loading' : 'ready';
  const drawn =
    state === 'error' ||
    (state === 'ready' && (view?.option === undefined || drawnOption === view.option));

  useEffect(() => {
    if (drawn) onSettled(panel.id);
  }, [drawn, generation, panel.id, onSettled]);

  let body: ReactNode;
  if (data?.kind === 'text') {
    body = (
      <div
        className="markdown"
        data-text-panel={panel.id}
        // The server rendered it with raw HTML off and links checked (render-markdown.ts).
        dangerouslySetInnerHTML={{ __html: data.html }}
      />
    );
  } else if (data?.kind === 'rows' && panel.type === 'table') {
    body = (
      <TablePanelBody
        title={panel.title}
        dataset={data.dataset}
        query={data.query}
        firstPage={data.data}
      />
    );
  } else if (view?.number !== undefined) {
    body = (
      <p
        className="big-number"
        aria-label={`${panel.title}: ${view.number === null ? 'no value' : formatNumber(view.number)}`}
      >
        {view.number === null ? '–' : formatNumber(view.number)}
      </p>
    );
  } else if (view?.option) {
    const option = view.option;
    const aggregate = data?.kind === 'aggregate';
    body = (
      <>
        <Chart
          option={option}
          label={panel.title}
          onDrawn={() => setDrawnOption(option)}
          onInstance={setChart}
          {...(aggregate && {
            onItemClick: (params: unknown) => onPoint(params as ChartClick),
          })}
          {...(aggregate &&
            panel.onClick === 'filter' && {
              onLegendClick: (name: string) => onPoint(undefined, name),
            })}
        />
        {drill && data?.kind === 'aggregate' && (
          <DrillDownRows
            dataset={data.dataset}
            query={drill.query}
            label={drill.label}
            onClose={() => setDrill(undefined)}
          />
        )}
      </>
    );
  }
  const csvHref =
    data?.kind === 'rows' && panel.type === 'table'
      ? rowsUrl(
          data.dataset,
          `${data.query}${data.query ? '&' : ''}format=csv&limit=${CSV_ROW_LIMIT}`,
        )
      : undefined;
  return (
    <PanelFrame
      id={panel.id}
      title={panel.title}
      description={panel.description}
      width={panel.width}
      state={state}
      error={error}
      refreshing={refreshing && state !== 'loading'}
      table={view?.table}
      csvHref={csvHref}
      tableView={view?.option !== undefined}
      chart={view?.option ? chart : undefined}
      drawn={drawn}
      bucket={panel.bucket}
    >
      {body}
    </PanelFrame>
  );
}
