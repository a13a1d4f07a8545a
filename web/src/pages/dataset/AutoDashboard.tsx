/**
 * The panels of a dataset's automatic dashboard: overview, column statistics, distributions,
 * time series when there is a time column, correlation and PCA of the numeric columns, and
 * per-class profiles when there is a label column.
 */
import { useCallback, useEffect, useMemo } from 'react';
import type { DatasetDetail } from '../../../../src/shared/api-types.js';
import { api } from '../../api/client.js';
import { aggregateOption } from '../../charts/aggregate-option.js';
import { correlationOption, pcaOption, profilesOption } from '../../charts/analysis-option.js';
import { DataTable } from '../../components/DataTable.js';
import { PanelFrame } from '../../components/PanelFrame.js';
import {
  type Table,
  aggregateTable,
  correlationTable,
  pcaTable,
  profilesTable,
} from '../../data/chart-table.js';
import { formatAge, formatNumber } from '../../data/format.js';
import { Link } from '../../router/Link.js';
import { navigate } from '../../router/location.js';
import { useDrawTracker } from '../../state/draw-tracker.js';
import { SPLIT_TOP, aggregateQuery, numericColumns, timeSeriesPlan } from './auto-dashboard.js';
import { DistributionPanel } from './DistributionPanel.js';
import { ResourcePanel } from './ResourcePanel.js';

/** Points a time series asks for at most (the server downsamples with LTTB). */
const TIME_POINTS = 500;

function statsTable(detail: DatasetDetail): Table {
  return {
    columns: ['column', 'type', 'nulls', 'distinct', 'min', 'max', 'mean', 'std', 'median'],
    rows: detail.columns.map((column) => {
      const stats = column.stats;
      return [
        column.name,
        column.type,
        stats?.nulls ?? null,
        stats?.distinct ?? null,
        stats?.min ?? null,
        stats?.max ?? null,
        stats?.mean ?? null,
        stats?.std ?? null,
        stats?.quantiles?.p50 ?? null,
      ];
    }),
  };
}

export function AutoDashboard({
  detail,
  search,
  version,
}: {
  readonly detail: DatasetDetail;
  readonly search: string;
  readonly version: string;
}) {
  const id = detail.id;
  const numeric = useMemo(() => numericColumns(detail), [detail]);
  const plan = useMemo(() => timeSeriesPlan(detail), [detail]);
  const hasMatrix = numeric.length >= 2;
  const hasProfiles = detail.labelColumn !== undefined;
  const panelIds = useMemo(
    () =>
      [
        'overview',
        'columns',
        'distribution',
        ...(plan ? ['time-count'] : []),
        ...(plan?.measure ? ['time-mean'] : []),
        ...(hasProfiles ? ['profiles'] : []),
        ...(hasMatrix ? ['pca', 'correlation'] : []),
      ] as string[],
    [plan, hasMatrix, hasProfiles],
  );
  const settled = useDrawTracker(panelIds, `${id}#${version}`);
  const onSettled = useCallback((panelId: string) => settled(panelId), [settled]);
  useEffect(() => {
    onSettled('overview');
    onSettled('columns');
  }, [onSettled, version]);

  const params = new URLSearchParams(search);
  const defaultColumn = numeric[0]?.name ?? detail.columns[0]?.name ?? '';
  const column = params.get('column') ?? defaultColumn;
  const selectColumn = (name: string) => {
    const next = new URLSearchParams(search);
    if (name === defaultColumn) next.delete('column');
    else next.set('column', name);
    const text = next.toString();
    navigate(`${window.location.pathname}${text ? `?${text}` : ''}`);
  };
  const table = useMemo(() => statsTable(detail), [detail]);
  const now = useMemo(() => Date.now(), []);

  return (
    <main className="page" id="main">
      <p className="breadcrumb">
        <Link href="/">Datasets</Link>
      </p>
      <header className="page-header">
        <h1>
          {detail.title} {detail.live && <span className="badge badge--live">Live</span>}
        </h1>
        {detail.description && <p className="page-description">{detail.description}</p>}
      </header>
      <div className="panel-grid">
        <PanelFrame id="overview" title="Overview" width="full" state="ready" drawn>
          <dl className="facts facts--wide">
            <div>
              <dt>Rows</dt>
              <dd>{detail.rows === null ? '–' : formatNumber(detail.rows)}</dd>
            </div>
            <div>
              <dt>Columns</dt>
              <dd>{detail.columnCount}</dd>
            </div>
            <div>
              <dt>Source</dt>
              <dd>
                {detail.source.kind} · <code>{detail.source.location}</code>
              </dd>
            </div>
            <div>
              <dt>Updated</dt>
              <dd>
                <time dateTime={detail.updatedAt ?? undefined}>
                  {formatAge(detail.updatedAt, now)}
                </time>
              </dd>
            </div>
            {detail.timeColumn && (
              <div>
                <dt>Time column</dt>
                <dd>{detail.timeColumn}</dd>
              </div>
            )}
            {detail.labelColumn && (
              <div>
                <dt>Label column</dt>
                <dd>{detail.labelColumn}</dd>
              </div>
            )}
            <div>
              <dt>API</dt>
              <dd>
                <a href={`/api/v1/datasets/${encodeURIComponent(id)}/rows?limit=20`}>rows</a>
              </dd>
            </div>
          </dl>
        </PanelFrame>
        <PanelFrame
          id="columns"
          title="Column statistics"
          width="full"
          state="ready"
          drawn
          table={table}
        >
          <DataTable columns={table.columns} rows={table.rows} caption="Column statistics" />
        </PanelFrame>
        <DistributionPanel
          id={id}
          version={version}
          column={column}
          columns={detail.columns.map((c) => c.name)}
          onSelect={selectColumn}
          onSettled={onSettled}
        />
        {plan && (
          <ResourcePanel
            id="time-count"
            title={`Rows per ${plan.bucket}`}
            resourceKey={`${id}:count:${plan.bucket}#${version}`}
            load={(signal) =>
              api.aggregate(
                id,
                aggregateQuery({ x: plan.time, bucket: plan.bucket, points: TIME_POINTS }),
                signal,
              )
            }
            view={(data) => ({
              option: aggregateOption({ type: 'line', x: plan.time, bucket: plan.bucket }, data),
              table: aggregateTable(data, plan.time),
            })}
            bucket={plan.bucket}
            onSettled={onSettled}
          />
        )}
        {plan?.measure && (
          <ResourcePanel
            id="time-mean"
            title={`Mean ${plan.measure} per ${plan.measureBucket}${plan.group ? ` by ${plan.group}` : ''}`}
            resourceKey={`${id}:mean:${plan.measure}:${plan.group ?? ''}#${version}`}
            load={(signal) =>
              api.aggregate(
                id,
                aggregateQuery({
                  x: plan.time,
                  bucket: plan.measureBucket,
                  y: plan.measure,
                  agg: 'mean',
                  group: plan.group,
                  top: plan.group ? SPLIT_TOP : undefined,
                  points: TIME_POINTS,
                }),
                signal,
              )
            }
            view={(data) => ({
              option: aggregateOption(
                { type: 'line', x: plan.time, bucket: plan.measureBucket },
                data,
              ),
              table: aggregateTable(data, plan.time),
            })}
            bucket={plan.measureBucket}
            onSettled={onSettled}
          />
        )}
        {hasProfiles && (
          <ResourcePanel
            id="profiles"
            title="Class profiles"
            description={`Mean of every numeric column per ${detail.labelColumn ?? 'class'}, with sample rows.`}
            width="full"
            resourceKey={`${id}:profiles#${version}`}
            load={(signal) => api.profiles(id, signal)}
            view={(data) => ({ option: profilesOption(data), table: profilesTable(data) })}
            onSettled={onSettled}
          />
        )}
        {hasMatrix && (
          <ResourcePanel
            id="pca"
            title="PCA"
            description={
              detail.labelColumn
                ? `First two principal components, coloured by ${detail.labelColumn}.`
                : 'First two principal components.'
            }
            resourceKey={`${id}:pca#${version}`}
            load={(signal) => api.pca(id, signal)}
            view={(data) => ({ option: pcaOption(data), table: pcaTable(data) })}
            onSettled={onSettled}
          />
        )}
        {hasMatrix && (
          <ResourcePanel
            id="correlation"
            title="Correlation"
            description="Pearson correlation of the numeric columns."
            resourceKey={`${id}:correlation#${version}`}
            load={(signal) => api.correlation(id, signal)}
            view={(data) => ({ option: correlationOption(data), table: correlationTable(data) })}
            onSettled={onSettled}
          />
        )}
      </div>
    </main>
  );
}
