/**
 * The automatic dashboard of a dataset (no configuration): loads the dataset's description,
 * follows its live updates and hands it to AutoDashboard, which lays out the panels.
 */
import { useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { useResource } from '../api/use-resource.js';
import { loadEcharts } from '../charts/load-echarts.js';
import { useLiveUpdates } from '../live/use-live-updates.js';
import { Link } from '../router/Link.js';
import { AutoDashboard } from './dataset/AutoDashboard.js';

export interface DatasetPageProps {
  readonly id: string;
  readonly search: string;
}

export function DatasetPage({ id, search }: DatasetPageProps) {
  useEffect(() => void loadEcharts().catch(() => undefined), []);
  const [liveTick, setLiveTick] = useState(0);
  const detail = useResource(`dataset:${id}#${liveTick}`, (signal) => api.dataset(id, signal));
  useLiveUpdates(detail.data?.live ? [id] : [], () => setLiveTick((tick) => tick + 1));
  useEffect(() => {
    document.title = `${detail.data?.title ?? id} · Dashport`;
  }, [detail.data?.title, id]);

  if (detail.error && !detail.data) {
    return (
      <main className="page" id="main">
        <p className="breadcrumb">
          <Link href="/">Datasets</Link>
        </p>
        <h1>{id}</h1>
        <p className="panel-message panel-message--error" role="alert">
          {detail.error.message}
        </p>
      </main>
    );
  }
  if (!detail.data) return <main className="page page--loading" id="main" aria-busy="true" />;
  return (
    <AutoDashboard
      detail={detail.data}
      search={search}
      version={`${detail.data.updatedAt ?? ''}#${liveTick}`}
    />
  );
}
