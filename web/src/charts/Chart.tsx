/**
 * One ECharts canvas. Initialised with the light or dark theme of the system, resized with its
 * box, and reports once per option when it has drawn it (the `finished` event).
 */
import { useEffect, useRef, useState } from 'react';
import { useDarkScheme } from '../state/use-color-scheme.js';
import type { ChartOption } from './chart-option.js';
import type { ECharts } from './echarts-runtime.js';
import { loadEcharts } from './load-echarts.js';

export interface ChartProps {
  readonly option: ChartOption;
  /** Describes the chart for screen readers. */
  readonly label: string;
  /** Called when this option has been drawn. */
  readonly onDrawn?: () => void;
  /** Receives the instance (PNG export), and undefined when it goes. */
  readonly onInstance?: (chart: ECharts | undefined) => void;
  readonly className?: string;
  /** A click on a series item (bar, point, slice, cell), with ECharts' event parameters. */
  readonly onItemClick?: (params: unknown) => void;
  /** A click on a legend entry, with the series name. */
  readonly onLegendClick?: (name: string) => void;
}

export function Chart({
  option,
  label,
  onDrawn,
  onInstance,
  className,
  onItemClick,
  onLegendClick,
}: ChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<ECharts>();
  const [failed, setFailed] = useState<string>();
  const dark = useDarkScheme();
  const drawnRef = useRef(onDrawn);
  drawnRef.current = onDrawn;
  const instanceRef = useRef(onInstance);
  instanceRef.current = onInstance;
  const itemRef = useRef(onItemClick);
  itemRef.current = onItemClick;
  const legendRef = useRef(onLegendClick);
  legendRef.current = onLegendClick;
  const clickable = onItemClick !== undefined || onLegendClick !== undefined;

  useEffect(() => {
    if (!chart || !clickable) return undefined;
    const item = (params: unknown) => itemRef.current?.(params);
    const legendClick = (params: unknown) => {
      const name = (params as { name?: unknown }).name;
      if (typeof name === 'string') legendRef.current?.(name);
    };
    chart.on('click', item);
    chart.on('legendselectchanged', legendClick);
    return () => {
      chart.off('click', item);
      chart.off('legendselectchanged', legendClick);
    };
  }, [chart, clickable]);

  useEffect(() => {
    let disposed = false;
    let instance: ECharts | undefined;
    let observer: ResizeObserver | undefined;
    loadEcharts().then(
      ({ init }) => {
        if (disposed || !element.current) return;
        instance = init(element.current, dark ? 'dark' : undefined, { renderer: 'canvas' });
        observer = new ResizeObserver(() => instance?.resize());
        observer.observe(element.current);
        setChart(instance);
        instanceRef.current?.(instance);
      },
      () => setFailed('the chart library could not be loaded; reload the page'),
    );
    return () => {
      disposed = true;
      observer?.disconnect();
      instance?.dispose();
      instanceRef.current?.(undefined);
      setChart(undefined);
    };
  }, [dark]);

  useEffect(() => {
    if (!chart) return;
    let reported = false;
    const finished = () => {
      if (reported) return;
      reported = true;
      drawnRef.current?.();
    };
    chart.on('finished', finished);
    chart.setOption(option, { notMerge: true });
    return () => {
      chart.off('finished', finished);
    };
  }, [chart, option]);

  if (failed) return <p className="panel-message panel-message--error">{failed}</p>;
  return <div ref={element} className={className ?? 'chart'} role="img" aria-label={label} />;
}
