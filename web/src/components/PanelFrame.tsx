/**
 * The frame every panel shares: title, its own loading and error states, and the actions a
 * user expects of a chart: table view, CSV and PNG downloads, full screen.
 */
import { type ReactNode, useEffect, useId, useState } from 'react';
import type { ECharts } from '../charts/echarts-runtime.js';
import type { Table } from '../data/chart-table.js';
import { toCsv } from '../data/csv.js';
import { downloadText, downloadUrl, fileSlug } from '../data/download.js';
import { DataTable } from './DataTable.js';

export type PanelState = 'loading' | 'ready' | 'error';

export interface PanelFrameProps {
  readonly id: string;
  readonly title: string;
  readonly description?: string | undefined;
  readonly width?: 'full' | 'half' | 'third' | undefined;
  readonly state: PanelState;
  readonly error?: string | undefined;
  /** New data is loading while the last is shown. */
  readonly refreshing?: boolean;
  /** The panel's data as a table: the table view and the CSV download. */
  readonly table?: Table | undefined;
  /** Download the CSV from the server instead (tables: every filtered row, not just a page). */
  readonly csvHref?: string | undefined;
  /** The body is a chart (or a number): offer the table view of its data. */
  readonly tableView?: boolean;
  /** The chart, for the PNG download. */
  readonly chart?: ECharts | undefined;
  /** Everything is drawn (or the panel settled on an error). */
  readonly drawn: boolean;
  readonly bucket?: string | undefined;
  readonly children?: ReactNode;
}

const PNG_PIXEL_RATIO = 2;

function backgroundColor(): string {
  return getComputedStyle(document.body).backgroundColor || '#ffffff';
}

export function PanelFrame(props: PanelFrameProps) {
  const { id, title, description, state, error, table, csvHref, chart, children } = props;
  const [view, setView] = useState<'chart' | 'table'>('chart');
  const [full, setFull] = useState(false);
  const titleId = useId();
  const filename = fileSlug(title);

  useEffect(() => {
    if (!full) return undefined;
    document.body.classList.add('has-full-panel');
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setFull(false);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      document.body.classList.remove('has-full-panel');
      window.removeEventListener('keydown', onKey);
    };
  }, [full]);

  const downloadCsv = () => {
    if (table)
      downloadText(toCsv(table.columns, table.rows), `${filename}.csv`, 'text/csv;charset=utf-8');
  };
  const downloadPng = () => {
    if (!chart) return;
    downloadUrl(
      chart.getDataURL({
        type: 'png',
        pixelRatio: PNG_PIXEL_RATIO,
        backgroundColor: backgroundColor(),
      }),
      `${filename}.png`,
    );
  };

  const showTable = view === 'table' && table !== undefined;
  const classes = [
    'panel',
    `panel--${props.width ?? 'half'}`,
    full ? 'panel--full' : '',
    props.refreshing ? 'panel--refreshing' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <section
      className={classes}
      aria-labelledby={titleId}
      data-panel={id}
      data-state={state}
      data-drawn={props.drawn ? 'true' : 'false'}
      aria-busy={state === 'loading' || props.refreshing ? 'true' : 'false'}
      {...(full && { role: 'dialog', 'aria-modal': 'true' })}
    >
      <header className="panel-header">
        <div className="panel-titles">
          <h2 id={titleId} className="panel-title">
            {title}
          </h2>
          {description && <p className="panel-description">{description}</p>}
        </div>
        <div className="panel-actions" role="toolbar" aria-label={`${title} actions`}>
          {props.tableView && table && (
            <button
              type="button"
              aria-pressed={showTable}
              onClick={() => setView(showTable ? 'chart' : 'table')}
              disabled={state !== 'ready'}
            >
              {showTable ? 'Chart' : 'Table'}
            </button>
          )}
          {csvHref ? (
            <a
              className="button"
              href={csvHref}
              download={`${filename}.csv`}
              aria-label={`Download ${title} as CSV`}
            >
              CSV
            </a>
          ) : (
            table && (
              <button
                type="button"
                onClick={downloadCsv}
                disabled={state !== 'ready'}
                aria-label={`Download ${title} as CSV`}
              >
                CSV
              </button>
            )
          )}
          {chart && !showTable && (
            <button
              type="button"
              onClick={downloadPng}
              disabled={state !== 'ready'}
              aria-label={`Download ${title} as PNG`}
            >
              PNG
            </button>
          )}
          <button
            type="button"
            aria-pressed={full}
            onClick={() => setFull(!full)}
            aria-label={full ? `Exit full screen` : `Show ${title} full screen`}
          >
            {full ? 'Close' : 'Full screen'}
          </button>
        </div>
      </header>
      <div className="panel-body">
        {state === 'error' ? (
          <p className="panel-message panel-message--error" role="alert">
            {error ?? 'This panel could not be loaded.'}
          </p>
        ) : state === 'loading' ? (
          <div className="panel-loading" role="status">
            Loading…
          </div>
        ) : showTable ? (
          <DataTable
            columns={table.columns}
            rows={table.rows}
            caption={title}
            bucket={props.bucket}
          />
        ) : (
          children
        )}
      </div>
    </section>
  );
}
