/**
 * The `Link: rel=preload` of a dashboard page: the dashboards list and the data request the app
 * will make for this page URL, named in the HTML's response so the browser fetches them while
 * it loads the app. Without it the list waits for the app's script to run, and the data request
 * also for the list (it holds the filters that make up the query) and then for the main thread,
 * which at that moment is busy with React's first render and the chart library's evaluation.
 * The app's fetch of the same URL takes the preloaded response (same URL, `cors` mode,
 * same-origin credentials), so nothing is requested twice.
 *
 * Only a data request that will be used and answer 200 is named: the dashboard exists, is
 * valid, and the viewer may read it. A preload that fails would be a console error on a page
 * that has none (an invalid dashboard shows its problems, a private one its sign-in link). The
 * list is requested by every dashboard page, so it is always named.
 */
import type { AccessControl } from '../../../auth/access-control.js';
import type { Identity } from '../../../auth/identity.js';
import type { DashboardStore } from '../../../dashboards/dashboard-store.js';
import {
  DASHBOARD_LIST_PATH,
  dashboardDataPath,
  dataQuery,
} from '../../../shared/dashboard-data-url.js';

/** The API paths to preload for dashboard page `id` with query string `search`. */
export type DashboardPagePreload = (
  identity: Identity,
  id: string,
  search: string,
) => readonly string[];

export function createDashboardPagePreload(
  store: Pick<DashboardStore, 'list'>,
  access: Pick<AccessControl, 'readable'>,
): DashboardPagePreload {
  return (identity, id, search) => {
    const entry = store.list().find((candidate) => candidate.id === id);
    const definition = entry?.valid === true ? entry.definition : undefined;
    if (definition === undefined || !access.readable(identity, 'dashboard', [id]).includes(id))
      return [DASHBOARD_LIST_PATH];
    return [
      DASHBOARD_LIST_PATH,
      dashboardDataPath(definition.id, dataQuery(search, definition.filters)),
    ];
  };
}

/** The header value: each path fetched as the app's `fetch()` does (`cors`, same-origin credentials). */
export function preloadLinks(paths: readonly string[]): string {
  return paths.map((path) => `<${path}>; rel=preload; as=fetch; crossorigin=anonymous`).join(', ');
}
