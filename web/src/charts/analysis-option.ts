/**
 * Precomputed analyses and raw rows → ECharts options: class profiles (mean waveform per class
 * with sample traces), PCA scatter coloured by label, correlation heatmap, a column histogram,
 * top values and a scatter of rows.
 */
import type { LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type {
  CellValue,
  CorrelationAnalysis,
  Histogram,
  PcaAnalysis,
  ProfilesAnalysis,
  RowsResponse,
  TopValue,
} from '../../../src/shared/api-types.js';
import { formatCompact, formatNumber } from '../data/format.js';
import { BASE_OPTION, type ChartOption, PALETTE, grid, legend, tooltip } from './chart-option.js';

/** Sample traces drawn per class: enough to see the spread, few enough to keep the mean readable. */
export const SAMPLE_TRACES_PER_CLASS = 5;
/** Columns a correlation heatmap draws at most; wider matrices show every k-th column. */
export const MAX_CORRELATION_COLUMNS = 64;

function classLabel(value: CellValue): string {
  return value === null ? 'null' : String(value);
}

interface ItemParam {
  readonly seriesName?: string;
  readonly value?: unknown;
  readonly dataIndex?: number;
  readonly seriesId?: string;
}

/** Mean of each class (bold) over the sample positions, with faint sample traces in the same colour. */
export function profilesOption(
  data: ProfilesAnalysis,
  samplesPerClass = SAMPLE_TRACES_PER_CLASS,
): ChartOption {
  const names = data.classes.map((profile) => classLabel(profile.label));
  const series: LineSeriesOption[] = [];
  data.classes.forEach((profile, index) => {
    const color = PALETTE[index % PALETTE.length] as string;
    const name = names[index] as string;
    profile.samples.slice(0, samplesPerClass).forEach((sample, sampleIndex) => {
      series.push({
        type: 'line',
        id: `sample-${index}-${sampleIndex}`,
        name,
        data: sample,
        showSymbol: false,
        silent: true,
        lineStyle: { width: 1, opacity: 0.18, color },
        itemStyle: { color },
        z: 1,
      });
    });
    series.push({
      type: 'line',
      id: `mean-${index}`,
      name,
      data: profile.mean,
      showSymbol: false,
      lineStyle: { width: 2.5, color },
      itemStyle: { color },
      z: 3,
    });
  });
  const legendOption = legend(names);
  return {
    ...BASE_OPTION,
    grid: grid(legendOption !== undefined),
    ...(legendOption && { legend: legendOption }),
    tooltip: tooltip('axis', (params) => {
      const list = (params as ItemParam[]).filter((param) => param.seriesId?.startsWith('mean-'));
      const column = data.columns[list[0]?.dataIndex ?? 0] ?? '';
      return [
        `${column} (class mean)`,
        ...list.map(
          (param) =>
            `${data.labelColumn} ${param.seriesName ?? ''}: ${formatNumber(Number(param.value))}`,
        ),
      ].join('\n');
    }),
    xAxis: { type: 'category', data: data.columns, boundaryGap: false },
    yAxis: { type: 'value', axisLabel: { formatter: formatCompact } },
    series,
  };
}

/** The 2-D PCA embedding, one colour per label. */
export function pcaOption(data: PcaAnalysis): ChartOption {
  const groups = new Map<string, [number, number][]>();
  data.points.x.forEach((x, index) => {
    const name = data.points.label ? classLabel(data.points.label[index] ?? null) : 'points';
    let points = groups.get(name);
    if (!points) {
      points = [];
      groups.set(name, points);
    }
    points.push([x, data.points.y[index] ?? 0]);
  });
  const names = [...groups.keys()].sort();
  const [pc1, pc2] = data.explainedVariance;
  const series: ScatterSeriesOption[] = names.map((name) => ({
    type: 'scatter',
    name,
    data: groups.get(name) ?? [],
    symbolSize: 4,
    large: true,
  }));
  const legendOption = legend(names);
  return {
    ...BASE_OPTION,
    grid: grid(legendOption !== undefined),
    ...(legendOption && { legend: legendOption }),
    tooltip: tooltip('item', (params) => {
      const param = params as ItemParam;
      const [x, y] = (param.value as [number, number] | undefined) ?? [0, 0];
      return `${data.labelColumn ?? 'label'} ${param.seriesName ?? ''}\nPC1 ${formatNumber(x)}, PC2 ${formatNumber(y)}`;
    }),
    xAxis: {
      type: 'value',
      name: `PC1 (${Math.round(pc1 * 100)}%)`,
      nameLocation: 'middle',
      nameGap: 24,
      scale: true,
    },
    yAxis: {
      type: 'value',
      name: `PC2 (${Math.round(pc2 * 100)}%)`,
      nameLocation: 'middle',
      nameGap: 32,
      scale: true,
    },
    series,
  };
}

/** Every `step`-th index of `count`, with `step` keeping at most `max` of them. */
export function strideIndices(count: number, max: number): number[] {
  const step = Math.max(1, Math.ceil(count / max));
  const indices: number[] = [];
  for (let index = 0; index < count; index += step) indices.push(index);
  return indices;
}

/**
 * The correlation matrix as a heatmap from -1 (one colour) through 0 to 1 (the other). A wide
 * matrix shows every k-th column (drawing 35,000 cells of a 187-column table costs a second);
 * the table view and the CSV keep them all.
 */
export function correlationOption(data: CorrelationAnalysis): ChartOption {
  const shown = strideIndices(data.columns.length, MAX_CORRELATION_COLUMNS);
  const names = shown.map((index) => data.columns[index] ?? '');
  const cells: [number, number, number | null][] = [];
  shown.forEach((row, y) =>
    shown.forEach((column, x) => {
      const value = data.matrix[row]?.[column] ?? null;
      cells.push([x, y, value === null ? null : Math.round(value * 1000) / 1000]);
    }),
  );
  return {
    ...BASE_OPTION,
    grid: grid(false, 40),
    tooltip: tooltip('item', (params) => {
      const value = (params as ItemParam).value as [number, number, number | null] | undefined;
      if (!value) return '';
      return `${names[value[1]] ?? ''} × ${names[value[0]] ?? ''}\nr = ${value[2] === null ? '–' : formatNumber(value[2])}`;
    }),
    xAxis: { type: 'category', data: names, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'category', data: names, inverse: true, axisLabel: { hideOverlap: true } },
    visualMap: {
      type: 'continuous',
      min: -1,
      max: 1,
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      inRange: { color: ['#2166ac', '#f7f7f7', '#b2182b'] },
    },
    series: [{ type: 'heatmap', data: cells, progressive: 0 }],
  };
}

/** Bars over the bins of a precomputed histogram. */
export function histogramOption(column: string, histogram: Histogram): ChartOption {
  const labels = histogram.counts.map((_count, index) =>
    formatCompact(histogram.edges[index] ?? 0),
  );
  return {
    ...BASE_OPTION,
    grid: grid(false),
    tooltip: tooltip('axis', (params) => {
      const index = (params as ItemParam[])[0]?.dataIndex ?? 0;
      const from = histogram.edges[index] ?? 0;
      const to = histogram.edges[index + 1] ?? from;
      return `${column} ${formatNumber(from)} – ${formatNumber(to)}\n${formatNumber(histogram.counts[index] ?? 0)} rows`;
    }),
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', axisLabel: { formatter: formatCompact } },
    series: [{ type: 'bar', name: column, data: [...histogram.counts], barCategoryGap: '2%' }],
  };
}

/** Horizontal bars of the most frequent values of a column. */
export function topValuesOption(column: string, top: readonly TopValue[]): ChartOption {
  const names = top.map((entry) => classLabel(entry.value));
  return {
    ...BASE_OPTION,
    grid: grid(false),
    tooltip: tooltip('axis', (params) => {
      const index = (params as ItemParam[])[0]?.dataIndex ?? 0;
      return `${column} ${names[index] ?? ''}\n${formatNumber(top[index]?.count ?? 0)} rows`;
    }),
    xAxis: { type: 'value', axisLabel: { formatter: formatCompact } },
    yAxis: {
      type: 'category',
      data: names,
      inverse: true,
      axisLabel: { width: 120, overflow: 'truncate' },
    },
    series: [{ type: 'bar', name: column, data: top.map((entry) => entry.count) }],
  };
}

/** Rows of (x, y[, group]) as points, one colour per group. */
export function scatterOption(
  data: RowsResponse,
  x: string,
  y: string,
  group?: string,
): ChartOption {
  const xi = data.columns.indexOf(x);
  const yi = data.columns.indexOf(y);
  const gi = group === undefined ? -1 : data.columns.indexOf(group);
  const groups = new Map<string, [CellValue, CellValue][]>();
  for (const row of data.rows) {
    const name = gi === -1 ? y : classLabel(row[gi] ?? null);
    let points = groups.get(name);
    if (!points) {
      points = [];
      groups.set(name, points);
    }
    points.push([row[xi] ?? null, row[yi] ?? null]);
  }
  const names = [...groups.keys()].sort();
  const timeX = data.rows.length > 0 && typeof data.rows[0]?.[xi] === 'string';
  const legendOption = legend(names);
  return {
    ...BASE_OPTION,
    grid: grid(legendOption !== undefined),
    ...(legendOption && { legend: legendOption }),
    tooltip: tooltip('item', (params) => {
      const param = params as ItemParam;
      const [px, py] = (param.value as [CellValue, CellValue] | undefined) ?? [null, null];
      const show = (value: CellValue) =>
        typeof value === 'number' ? formatNumber(value) : String(value);
      return `${param.seriesName ?? ''}\n${x}: ${show(px)}\n${y}: ${show(py)}`;
    }),
    xAxis: {
      type: timeX ? 'time' : 'value',
      name: x,
      nameLocation: 'middle',
      nameGap: 24,
      scale: true,
    },
    yAxis: { type: 'value', name: y, nameLocation: 'middle', nameGap: 36, scale: true },
    series: names.map((name) => ({
      type: 'scatter' as const,
      name,
      data: (groups.get(name) ?? []) as NonNullable<ScatterSeriesOption['data']>,
      symbolSize: 5,
      large: true,
    })),
  };
}
