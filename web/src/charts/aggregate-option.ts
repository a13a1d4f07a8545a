/**
 * An aggregate response (`/aggregate`) → an ECharts option for a line, area, bar, histogram or
 * heatmap panel, with notes from another dataset as markers on a time axis.
 */
import type { BarSeriesOption, HeatmapSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { AggregateResponse, CellValue } from '../../../src/shared/api-types.js';
import type { PanelAnnotationData } from '../../../src/shared/dashboard-types.js';
import { formatCell, formatCompact, formatNumber, formatTime, isTimeText } from '../data/format.js';
import { BASE_OPTION, type ChartOption, grid, legend, tooltip } from './chart-option.js';

/** What an aggregate chart needs to know about its panel. */
export interface AggregateChartSpec {
  readonly type: 'line' | 'area' | 'bar' | 'histogram' | 'heatmap';
  readonly x?: string;
  readonly bucket?: string;
  readonly group?: string;
  readonly stack?: boolean;
  readonly horizontal?: boolean;
}

/** The series the API names for every group past `top`. */
const OTHER_GROUP = 'other';
/** Above this many points a line shows no symbols (they would hide the line). */
const SYMBOL_LIMIT = 60;
const MAX_NOTES_IN_TOOLTIP = 3;

interface AxisParam {
  readonly seriesName?: string;
  readonly seriesId?: string;
  readonly value?: unknown;
  readonly axisValue?: unknown;
  readonly dataIndex?: number;
}

function yOf(param: AxisParam): number | null {
  const value = Array.isArray(param.value) ? param.value[1] : param.value;
  return typeof value === 'number' ? value : null;
}

function isTimeAxis(spec: AggregateChartSpec, x: readonly CellValue[]): boolean {
  if (spec.type === 'histogram' || spec.type === 'heatmap') return false;
  return (
    spec.bucket !== undefined ||
    (x.length > 0 && x.every((value) => value === null || isTimeText(value)))
  );
}

function label(value: CellValue, spec: AggregateChartSpec): string {
  if (typeof value === 'number') return formatNumber(value);
  return formatCell(value, spec.bucket);
}

/** Notes whose time falls in [x, next x) of the hovered bucket. */
function notesAt(
  notes: PanelAnnotationData | undefined,
  axis: readonly CellValue[],
  index: number,
): string[] {
  if (!notes || index < 0) return [];
  const start = Date.parse(String(axis[index]));
  const next = axis[index + 1];
  const end =
    next === undefined || next === null ? Number.POSITIVE_INFINITY : Date.parse(String(next));
  const found: string[] = [];
  notes.x.forEach((time, noteIndex) => {
    const at = Date.parse(String(time));
    if (at >= start && at < end)
      found.push(`${formatTime(String(time))}: ${notes.text[noteIndex] ?? ''}`);
  });
  return found.slice(0, MAX_NOTES_IN_TOOLTIP);
}

function axisFormatter(
  spec: AggregateChartSpec,
  x: readonly CellValue[],
  notes?: PanelAnnotationData,
) {
  return (params: unknown): string => {
    const list = (Array.isArray(params) ? params : [params]) as AxisParam[];
    const first = list[0];
    if (!first) return '';
    const index = first.dataIndex ?? -1;
    const head = label(x[index] ?? (first.axisValue as CellValue) ?? null, spec);
    const lines = list
      .filter((param) => param.seriesId !== 'notes')
      .map((param) => {
        const y = yOf(param);
        return `${param.seriesName ?? ''}: ${y === null ? '–' : formatNumber(y)}`;
      });
    const noted = notesAt(notes, x, index).map((text) => `▲ ${text}`);
    return [head, ...lines, ...noted].join('\n');
  };
}

function markLineOf(notes: PanelAnnotationData): NonNullable<LineSeriesOption['markLine']> {
  return {
    symbol: 'none',
    silent: false,
    lineStyle: { type: 'dashed', opacity: 0.6 },
    label: { show: false },
    emphasis: { label: { show: true, formatter: '{b}', position: 'insideEndTop' } },
    data: notes.x.map((time, index) => ({ xAxis: String(time), name: notes.text[index] ?? '' })),
  };
}

function groupOnlyBar(spec: AggregateChartSpec, data: AggregateResponse): ChartOption {
  // "other" (every group past `top`) would dwarf the ranking it follows; the table keeps it.
  const bars = data.series
    .filter((series) => series.name !== OTHER_GROUP || data.series.length === 1)
    .map((series) => ({ name: series.name, value: series.y[0] ?? 0 }))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  const horizontal = spec.horizontal ?? true;
  const categoryAxis = {
    type: 'category' as const,
    data: bars.map((bar) => bar.name),
    inverse: horizontal,
    axisLabel: { width: 120, overflow: 'truncate' as const },
  };
  const valueAxis = { type: 'value' as const, axisLabel: { formatter: formatCompact } };
  return {
    ...BASE_OPTION,
    grid: grid(false),
    tooltip: tooltip('axis', (params) => {
      const param = (params as AxisParam[])[0];
      const y = param ? yOf(param) : null;
      return param
        ? `${bars[param.dataIndex ?? 0]?.name ?? ''}: ${y === null ? '–' : formatNumber(y)}`
        : '';
    }),
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: [
      {
        type: 'bar',
        name: data.series.length > 0 ? 'value' : '',
        data: bars.map((bar) => bar.value),
        colorBy: 'data',
      },
    ],
  };
}

function heatmapOption(spec: AggregateChartSpec, data: AggregateResponse): ChartOption {
  const cells: [number, number, number | null][] = [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  data.series.forEach((series, row) => {
    series.y.forEach((value, column) => {
      cells.push([column, row, value]);
      if (value !== null) {
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
    });
  });
  const xLabels = data.x.map((value) => label(value, spec));
  const names = data.series.map((series) => series.name);
  const heatmap: HeatmapSeriesOption = { type: 'heatmap', data: cells, progressive: 0 };
  return {
    ...BASE_OPTION,
    grid: grid(false, 40),
    tooltip: tooltip('item', (params) => {
      const value = (params as { value?: [number, number, number | null] }).value;
      if (!value) return '';
      return `${names[value[1]] ?? ''} · ${xLabels[value[0]] ?? ''}\n${value[2] === null ? '–' : formatNumber(value[2])}`;
    }),
    xAxis: { type: 'category', data: xLabels, splitArea: { show: true } },
    yAxis: { type: 'category', data: names, splitArea: { show: true } },
    visualMap: {
      type: 'continuous',
      min: Number.isFinite(min) ? min : 0,
      max: Number.isFinite(max) ? max : 1,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      // One hue with rising opacity reads on a light and on a dark background alike.
      inRange: { color: ['#5470c6'], opacity: [0.06, 1] },
      formatter: (value: unknown) => formatCompact(Number(value)),
    },
    series: [heatmap],
  };
}

/** The option drawing `data` as `spec` says. */
export function aggregateOption(
  spec: AggregateChartSpec,
  data: AggregateResponse,
  notes?: PanelAnnotationData,
): ChartOption {
  if (spec.type === 'heatmap') return heatmapOption(spec, data);
  if (spec.x === undefined && spec.type === 'bar') return groupOnlyBar(spec, data);
  const time = isTimeAxis(spec, data.x);
  const names = data.series.map((series) => series.name);
  const many = data.x.length > SYMBOL_LIMIT;
  const series = data.series.map((one, index): LineSeriesOption | BarSeriesOption => {
    const values = time ? data.x.map((x, i) => [x as string, one.y[i] ?? null]) : one.y;
    if (spec.type === 'line' || spec.type === 'area') {
      return {
        type: 'line',
        name: one.name,
        data: values as NonNullable<LineSeriesOption['data']>,
        showSymbol: !many,
        connectNulls: false,
        ...(spec.type === 'area' && { areaStyle: { opacity: spec.stack ? 0.85 : 0.25 } }),
        ...(spec.stack && { stack: 'total' }),
        ...(index === 0 && notes && notes.x.length > 0 && time && { markLine: markLineOf(notes) }),
      };
    }
    return {
      type: 'bar',
      name: one.name,
      data: values as NonNullable<BarSeriesOption['data']>,
      ...((spec.stack || spec.type === 'histogram') && { stack: 'total' }),
      ...(spec.type === 'histogram' && { barCategoryGap: '2%' }),
    };
  });
  const horizontal = spec.type === 'bar' && spec.horizontal === true && !time;
  const categoryAxis = time
    ? { type: 'time' as const }
    : { type: 'category' as const, data: data.x.map((x) => label(x, spec)), inverse: horizontal };
  const valueAxis = { type: 'value' as const, axisLabel: { formatter: formatCompact } };
  const legendOption = legend(names);
  return {
    ...BASE_OPTION,
    grid: grid(legendOption !== undefined),
    ...(legendOption && { legend: legendOption }),
    tooltip: tooltip('axis', axisFormatter(spec, data.x, notes)),
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series,
  };
}
