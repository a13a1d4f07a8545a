/** The ECharts runtime, fetched once on first use (a dashboard page starts it at once). */
type Runtime = typeof import('./echarts-runtime.js');

let runtime: Promise<Runtime> | undefined;

export function loadEcharts(): Promise<Runtime> {
  runtime ??= import('./echarts-runtime.js');
  return runtime;
}
