/** A panel whose content comes from one request: loading, error, then a chart or a table. */
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { useResource } from '../../api/use-resource.js';
import { Chart } from '../../charts/Chart.js';
import type { ChartOption } from '../../charts/chart-option.js';
import type { ECharts } from '../../charts/echarts-runtime.js';
import { PanelFrame } from '../../components/PanelFrame.js';
import type { Table } from '../../data/chart-table.js';

export interface PanelView {
  readonly option?: ChartOption;
  readonly table?: Table;
  /** Shown instead of a chart (e.g. "no histogram for a text column"). */
  readonly message?: string;
}

export interface ResourcePanelProps<T> {
  readonly id: string;
  readonly title: string;
  readonly description?: string | undefined;
  readonly width?: 'full' | 'half' | 'third' | undefined;
  readonly resourceKey: string;
  readonly load: (signal: AbortSignal) => Promise<T>;
  readonly view: (data: T) => PanelView;
  /** Names what `view` depends on besides the data; the view is rebuilt when it changes. */
  readonly viewKey?: string;
  readonly bucket?: string;
  readonly onSettled: (id: string) => void;
  /** Controls shown above the chart (e.g. a column select). */
  readonly controls?: ReactNode;
}

export function ResourcePanel<T>(props: ResourcePanelProps<T>) {
  const { id, title, resourceKey, load, view, onSettled } = props;
  const resource = useResource(resourceKey, load);
  const viewRef = useRef(view);
  viewRef.current = view;
  const shown = useMemo(
    () => (resource.data === undefined ? undefined : viewRef.current(resource.data)),
    [resource.data, props.viewKey],
  );
  const [drawnOption, setDrawnOption] = useState<ChartOption>();
  const [chart, setChart] = useState<ECharts>();
  const state = resource.error ? 'error' : shown === undefined ? 'loading' : 'ready';
  const drawn =
    state === 'error' ||
    (state === 'ready' && (shown?.option === undefined || shown.option === drawnOption));
  useEffect(() => {
    if (drawn) onSettled(id);
  }, [drawn, id, onSettled]);
  const option = shown?.option;
  return (
    <PanelFrame
      id={id}
      title={title}
      description={props.description}
      width={props.width}
      state={state}
      error={resource.error?.message}
      refreshing={resource.loading && shown !== undefined}
      table={shown?.table}
      tableView={option !== undefined}
      chart={option ? chart : undefined}
      drawn={drawn}
      bucket={props.bucket}
    >
      {props.controls}
      {option ? (
        <Chart
          option={option}
          label={title}
          onDrawn={() => setDrawnOption(option)}
          onInstance={setChart}
        />
      ) : shown?.message ? (
        <p className="panel-message">{shown.message}</p>
      ) : undefined}
    </PanelFrame>
  );
}
