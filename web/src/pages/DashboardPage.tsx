/**
 * A declarative dashboard (`dashboards/<id>.yaml`): its filters in the URL, every panel's data
 * from one request, live refresh for live datasets. An invalid file shows its problems.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type {
  DashboardDefinition,
  DashboardFilter,
  DashboardListEntry,
  LockedFilterValues,
} from '../../../src/shared/dashboard-types.js';
import { api } from '../api/client.js';
import { useResource } from '../api/use-resource.js';
import { loadEcharts } from '../charts/load-echarts.js';
import { FilterBar } from '../components/FilterBar.js';
import { ProblemList } from '../components/ProblemList.js';
import { SignInProbe } from '../components/SignInNotice.js';
import { useLiveUpdates } from '../live/use-live-updates.js';
import { Link } from '../router/Link.js';
import { datasetPath, navigate } from '../router/location.js';
import { useDrawTracker } from '../state/draw-tracker.js';
import type { FilterChange } from '../state/point-query.js';
import {
  activeTab,
  dataQuery,
  effectiveFilterValues,
  withFilterValues,
  withTab,
} from '../state/url-filters.js';
import { DashboardPanelView } from './dashboard/DashboardPanelView.js';

export interface DashboardPageProps {
  readonly id: string;
  readonly search: string;
}

export function DashboardPage({ id, search }: DashboardPageProps) {
  // Charts are certain on this page: fetch the library while the data loads.
  useEffect(() => void loadEcharts().catch(() => undefined), []);
  const list = useResource('dashboards', (signal) => api.dashboards(signal));
  const entry = list.data?.dashboards.find((candidate) => candidate.id === id);

  useEffect(() => {
    document.title = `${entry?.title ?? id} · Dashport`;
  }, [entry?.title, id]);

  if (list.error) {
    return (
      <main className="page" id="main">
        <h1>{id}</h1>
        <p className="panel-message panel-message--error" role="alert">
          Dashboards could not be loaded: {list.error.message}
        </p>
      </main>
    );
  }
  if (!list.data) return <main className="page page--loading" id="main" aria-busy="true" />;
  if (!entry) {
    return (
      <main className="page" id="main">
        <h1>Dashboard not found</h1>
        <p>
          There is no dashboard <code>{id}</code>. <Link href="/">See all dashboards</Link>.
        </p>
        <SignInProbe url={`/api/v1/dashboards/${encodeURIComponent(id)}`} />
      </main>
    );
  }
  if (!entry.valid || !entry.definition) return <InvalidDashboard entry={entry} />;
  return <DashboardView definition={entry.definition} search={search} />;
}

function InvalidDashboard({ entry }: { readonly entry: DashboardListEntry }) {
  return (
    <main className="page" id="main">
      <p className="breadcrumb">
        <Link href="/">Dashboards</Link>
      </p>
      <h1>{entry.title}</h1>
      <div className="problems" role="alert" data-dashboard-problems={entry.id}>
        <p>
          <strong>{entry.file}</strong> is not a valid dashboard; fix it and reload:
        </p>
        <ProblemList problems={entry.problems} />
      </div>
    </main>
  );
}

const NO_LOCKS: LockedFilterValues = {};

function withLockedValues(query: string, locked: LockedFilterValues): string {
  const params = new URLSearchParams(query);
  for (const [column, value] of Object.entries(locked)) params.set(column, value);
  return params.toString();
}

export interface DashboardViewProps {
  readonly definition: DashboardDefinition;
  readonly search: string;
  /** Filter values a signed embed link fixes: shown read-only, never sent (the server adds them). */
  readonly locked?: LockedFilterValues;
  /** Inside another site's frame: no links out of the dashboard. */
  readonly embedded?: boolean;
}

export function DashboardView({
  definition,
  search,
  locked = NO_LOCKS,
  embedded = false,
}: DashboardViewProps) {
  const [liveTick, setLiveTick] = useState(0);
  const [refreshTick, setRefreshTick] = useState(0);
  const openFilters = useMemo(
    () => definition.filters.filter((filter) => !Object.hasOwn(locked, filter.column)),
    [definition.filters, locked],
  );
  // Locked values are restated (the server accepts its own locks and refuses any other), so
  // the data always matches what the read-only controls show.
  const query = withLockedValues(dataQuery(search, openFilters), locked);
  // Both ticks only grow: their sum names each reload (and `#0` the preloaded first one).
  const key = `${definition.id}?${query}#${liveTick + refreshTick}`;
  // refresh: 30s re-asks with If-None-Match; an unchanged view is a 304 and redraws nothing.
  useEffect(() => {
    if (definition.refreshSeconds === undefined || definition.refreshSeconds <= 0) return undefined;
    const timer = setInterval(
      () => setRefreshTick((tick) => tick + 1),
      definition.refreshSeconds * 1000,
    );
    return () => clearInterval(timer);
  }, [definition.refreshSeconds]);
  const data = useResource(key, (signal) => api.dashboardData(definition.id, query, signal));
  const datasets = useResource('datasets', (signal) => api.datasets(signal));
  const values = useMemo(() => {
    const inForce: Record<string, readonly string[]> = {
      ...effectiveFilterValues(search, definition.filters),
    };
    for (const [column, value] of Object.entries(locked)) {
      inForce[column] = value === '' ? [] : [value];
    }
    return inForce;
  }, [search, definition.filters, locked]);

  const used = useMemo(() => {
    const ids = new Set(definition.panels.map((panel) => panel.dataset));
    for (const panel of definition.panels) {
      if (panel.annotations) ids.add(panel.annotations.dataset);
      for (const value of Object.values(panel.values ?? {})) ids.add(value.dataset);
    }
    return ids;
  }, [definition]);
  const live = (datasets.data?.datasets ?? [])
    .filter((dataset) => dataset.live && used.has(dataset.id))
    .map((dataset) => dataset.id);
  useLiveUpdates(live, () => setLiveTick((tick) => tick + 1));

  const tab = activeTab(search, definition.tabs);
  const shown = useMemo(
    () =>
      tab === undefined
        ? definition.panels
        : definition.panels.filter((panel) => tab.panels.includes(panel.id)),
    [definition, tab],
  );
  const panelIds = useMemo(() => shown.map((panel) => panel.id), [shown]);
  const settled = useDrawTracker(panelIds, data.dataKey ?? '');
  const onSettled = useCallback((panelId: string) => settled(panelId), [settled]);

  const onFilter = (filter: DashboardFilter, next: readonly string[]) => {
    navigate(`${window.location.pathname}${withFilterValues(search, filter, next)}`);
  };
  const onFilters = (changes: readonly FilterChange[]) => {
    let next = search;
    for (const change of changes) next = withFilterValues(next, change.filter, change.values);
    navigate(`${window.location.pathname}${next}`);
  };
  const current = data.data;
  return (
    <main className={embedded ? 'page page--embed' : 'page'} id="main">
      {!embedded && (
        <p className="breadcrumb">
          <Link href="/">Dashboards</Link>
        </p>
      )}
      <header className="page-header">
        <h1>{definition.title}</h1>
        {definition.description && <p className="page-description">{definition.description}</p>}
        <p className="page-meta">
          Data:{' '}
          {embedded ? (
            definition.dataset
          ) : (
            <Link href={datasetPath(definition.dataset)}>{definition.dataset}</Link>
          )}
          {live.length > 0 && (
            <span className="badge badge--live" title="Updates without reload">
              Live
            </span>
          )}
        </p>
      </header>
      <FilterBar
        filters={definition.filters}
        values={values}
        options={current?.options ?? {}}
        locked={locked}
        onChange={onFilter}
      />
      {definition.tabs && tab && (
        <nav className="tabs" role="tablist" aria-label={`${definition.title} tabs`}>
          {definition.tabs.map((candidate) => (
            <Link
              key={candidate.id}
              href={`${window.location.pathname}${withTab(search, definition.tabs ?? [], candidate.id)}`}
              className={candidate.id === tab.id ? 'tab tab--active' : 'tab'}
              role="tab"
              aria-selected={candidate.id === tab.id}
              data-tab={candidate.id}
            >
              {candidate.title}
            </Link>
          ))}
        </nav>
      )}
      <div className="panel-grid" {...(tab && { role: 'tabpanel', 'data-active-tab': tab.id })}>
        {shown.map((panel) => (
          <DashboardPanelView
            key={panel.id}
            panel={panel}
            data={current?.panels[panel.id]}
            requestError={data.error}
            refreshing={data.loading}
            generation={data.dataKey ?? ''}
            onSettled={onSettled}
            filters={definition.filters}
            filterValues={values}
            onFilters={onFilters}
          />
        ))}
      </div>
    </main>
  );
}
