/**
 * The URLs of the two requests a dashboard page starts with: the dashboards list (it holds the
 * definition) and the one request for every panel's data, from the page's query string. Shared
 * by the web app, which makes the requests, and the server, which names those same URLs in the
 * page's response (`Link: rel=preload`) so the browser starts them with the HTML instead of
 * after the app has booted (and, for the data, after the list has arrived).
 */
import type { DashboardFilter } from './dashboard-types.js';

/** Every dashboard with its definition (`GET`). */
export const DASHBOARD_LIST_PATH = '/api/v1/dashboards';

/**
 * The query string of the dashboard data request for a page URL's query: the declared filters
 * only, in declaration order, so equivalent URLs share one request (and one cache entry).
 */
export function dataQuery(search: string, filters: readonly DashboardFilter[]): string {
  const params = new URLSearchParams(search);
  const out = new URLSearchParams();
  for (const filter of filters) {
    for (const value of params.getAll(filter.column)) out.append(filter.column, value);
  }
  return out.toString();
}

/** `/api/v1/dashboards/<id>/data[?query]`, spelled exactly as the app requests it. */
export function dashboardDataPath(id: string, query: string): string {
  const path = `${DASHBOARD_LIST_PATH}/${encodeURIComponent(id)}/data`;
  return query === '' ? path : `${path}?${query}`;
}
