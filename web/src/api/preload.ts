/**
 * Requests a page needs first, started before React renders: on a cold load the data is on its
 * way while the app boots. A component takes the in-flight request for its key once, and
 * loads by itself when there is none (a later navigation, a filter change).
 */
import { matchRoute } from '../router/location.js';
import { dataQuery } from '../state/url-filters.js';
import { api } from './client.js';

const pending = new Map<string, Promise<unknown>>();

/** The preloaded request for `key`, once; undefined when there is none. */
export function takePreloaded<T>(key: string): Promise<T> | undefined {
  const request = pending.get(key);
  pending.delete(key);
  return request as Promise<T> | undefined;
}

function keep<T>(key: string, request: Promise<T>): Promise<T> {
  // Unhandled here on purpose: the component that takes it handles the failure.
  request.catch(() => undefined);
  pending.set(key, request);
  return request;
}

/** Start the requests of the page at `pathname` + `search`. */
export function preloadPage(pathname: string, search: string): void {
  const route = matchRoute(pathname);
  if (route.page === 'home') {
    keep('dashboards', api.dashboards());
    keep('datasets', api.datasets());
  } else if (route.page === 'dashboard') {
    const list = keep('dashboards', api.dashboards());
    list.then(
      (body) => {
        const definition = body.dashboards.find((entry) => entry.id === route.id)?.definition;
        if (!definition) return;
        const query = dataQuery(search, definition.filters);
        keep(`${definition.id}?${query}#0`, api.dashboardData(definition.id, query));
      },
      () => undefined,
    );
  } else if (route.page === 'dataset') {
    keep(`dataset:${route.id}#0`, api.dataset(route.id));
  }
}
