/** The ECharts runtime, fetched once on first use (a dashboard page starts it at once). */
import type * as RuntimeModule from './echarts-runtime.js';

type Runtime = typeof RuntimeModule;

let runtime: Promise<Runtime> | undefined;

export function loadEcharts(): Promise<Runtime> {
  runtime ??= import('./echarts-runtime.js');
  return runtime;
}
