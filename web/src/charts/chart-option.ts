/**
 * The ECharts option type for the parts the app registers (charts/echarts-runtime.ts) and the
 * settings every chart shares. Tooltips render on the canvas (`richText`): the HTML tooltip
 * writes inline style attributes, which the Content-Security-Policy (`style-src 'self'`) refuses.
 */
import type {
  BarSeriesOption,
  HeatmapSeriesOption,
  LineSeriesOption,
  ScatterSeriesOption,
} from 'echarts/charts';
import type {
  AriaComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | HeatmapSeriesOption
  | LineSeriesOption
  | ScatterSeriesOption
  | AriaComponentOption
  | GridComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>;

/** Series colours that read well on both the light and the dark background. */
export const PALETTE = [
  '#5470c6',
  '#91cc75',
  '#fac858',
  '#ee6666',
  '#73c0de',
  '#3ba272',
  '#fc8452',
  '#9a60b4',
  '#ea7ccc',
];

/** Shared by every chart: no animation (a chart is drawn when its data arrives), transparent background. */
export const BASE_OPTION = {
  animation: false,
  color: PALETTE,
  backgroundColor: 'transparent',
  aria: { enabled: true },
} satisfies ChartOption;

/** A grid that keeps axis labels inside the chart, with room for a legend on top. */
export function grid(hasLegend: boolean, extraBottom = 0): GridComponentOption {
  return {
    left: 8,
    right: 16,
    top: hasLegend ? 36 : 12,
    bottom: 8 + extraBottom,
    outerBoundsMode: 'same',
    // Labels and axis names stay inside the chart's box.
    outerBoundsContain: 'all',
  };
}

export function legend(names: readonly string[]): LegendComponentOption | undefined {
  return names.length > 1
    ? { type: 'scroll', top: 0, left: 0, right: 0, data: [...names] }
    : undefined;
}

/** Tooltip on the canvas; `formatter` returns plain text lines. */
export function tooltip(
  trigger: 'axis' | 'item',
  formatter?: (params: unknown) => string,
): TooltipComponentOption {
  return {
    trigger,
    renderMode: 'richText',
    confine: true,
    ...(formatter && { formatter: formatter as NonNullable<TooltipComponentOption['formatter']> }),
  };
}
