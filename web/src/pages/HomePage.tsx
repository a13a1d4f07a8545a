/** Home: every dashboard (invalid ones with their problems) and every dataset with its size and freshness. */
import { useEffect, useState } from 'react';
import type { DatasetSummary } from '../../../src/shared/api-types.js';
import type { DashboardListEntry } from '../../../src/shared/dashboard-types.js';
import { api } from '../api/client.js';
import { useResource } from '../api/use-resource.js';
import { ProblemList } from '../components/ProblemList.js';
import { formatAge, formatNumber } from '../data/format.js';
import { Link } from '../router/Link.js';
import { dashboardPath, datasetPath } from '../router/location.js';

function DashboardCard({ entry }: { readonly entry: DashboardListEntry }) {
  if (!entry.valid) {
    return (
      <li className="card card--invalid" data-dashboard={entry.id} data-valid="false">
        <h3 className="card-title">
          <Link href={dashboardPath(entry.id)}>{entry.title}</Link>{' '}
          <span className="badge badge--error">Invalid</span>
        </h3>
        <ProblemList problems={entry.problems} />
      </li>
    );
  }
  return (
    <li className="card" data-dashboard={entry.id} data-valid="true">
      <h3 className="card-title">
        <Link href={dashboardPath(entry.id)}>{entry.title}</Link>
      </h3>
      {entry.description && <p className="card-text">{entry.description}</p>}
      <p className="card-meta">
        {entry.panels} panel{entry.panels === 1 ? '' : 's'} · {entry.dataset}
      </p>
    </li>
  );
}

function DatasetCard({ dataset, now }: { readonly dataset: DatasetSummary; readonly now: number }) {
  return (
    <li className="card" data-dataset={dataset.id}>
      <h3 className="card-title">
        <Link href={datasetPath(dataset.id)}>{dataset.title}</Link>
        {dataset.live && <span className="badge badge--live">Live</span>}
        {dataset.state !== 'ready' && (
          <span className={`badge badge--${dataset.state}`}>{dataset.state}</span>
        )}
      </h3>
      <dl className="facts">
        <div>
          <dt>Rows</dt>
          <dd>{dataset.rows === null ? '–' : formatNumber(dataset.rows)}</dd>
        </div>
        <div>
          <dt>Columns</dt>
          <dd>{dataset.columns ?? '–'}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd>
            <time dateTime={dataset.updatedAt ?? undefined}>
              {formatAge(dataset.updatedAt, now)}
            </time>
          </dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd>{dataset.source.kind}</dd>
        </div>
      </dl>
      {dataset.error && <p className="card-error">{dataset.error}</p>}
    </li>
  );
}

export function HomePage() {
  const dashboards = useResource('dashboards', (signal) => api.dashboards(signal));
  const datasets = useResource('datasets', (signal) => api.datasets(signal));
  const [now] = useState(() => Date.now());
  useEffect(() => {
    document.title = 'Dashport';
  }, []);
  return (
    <main className="page" id="main">
      <header className="page-header">
        <h1>Dashboards and datasets</h1>
        <p className="page-description">
          Every dataset has an automatic dashboard; declarative dashboards come from{' '}
          <code>dashboards/*.yaml</code>.
        </p>
      </header>
      <section aria-labelledby="dashboards-heading" className="home-section">
        <h2 id="dashboards-heading">Dashboards</h2>
        {dashboards.error && (
          <p className="panel-message panel-message--error">
            Dashboards could not be loaded: {dashboards.error.message}
          </p>
        )}
        {dashboards.data && dashboards.data.dashboards.length === 0 && (
          <p className="panel-message">
            No dashboards yet: add a YAML file to the dashboards folder (schema:{' '}
            <a href={dashboards.data.schema}>{dashboards.data.schema}</a>).
          </p>
        )}
        <ul className="card-grid" aria-busy={dashboards.loading}>
          {dashboards.data?.dashboards.map((entry) => (
            <DashboardCard key={entry.file} entry={entry} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="datasets-heading" className="home-section">
        <h2 id="datasets-heading">Datasets</h2>
        {datasets.error && (
          <p className="panel-message panel-message--error">
            Datasets could not be loaded: {datasets.error.message}
          </p>
        )}
        <ul className="card-grid" aria-busy={datasets.loading}>
          {datasets.data?.datasets.map((dataset) => (
            <DatasetCard key={dataset.id} dataset={dataset} now={now} />
          ))}
        </ul>
      </section>
    </main>
  );
}
