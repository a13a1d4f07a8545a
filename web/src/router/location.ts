/**
 * Client-side routing on the History API: the URL is the state (page, filters), so a reload
 * or a shared link restores the view and back/forward walk through the changes.
 */
import { useSyncExternalStore } from 'react';

const NAVIGATE_EVENT = 'dashport:navigate';

export interface AppLocation {
  readonly pathname: string;
  readonly search: string;
}

/** Go to `url` (same origin): a new history entry, or a replaced one. */
export function navigate(url: string, options: { replace?: boolean } = {}): void {
  const current = window.location.pathname + window.location.search;
  if (url === current) return;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

function snapshot(): string {
  return window.location.pathname + window.location.search;
}

/** The current path and query string; re-renders on every navigation. */
export function useLocation(): AppLocation {
  const url = useSyncExternalStore(subscribe, snapshot);
  const index = url.indexOf('?');
  return index === -1
    ? { pathname: url, search: '' }
    : { pathname: url.slice(0, index), search: url.slice(index) };
}

export type Route =
  | { readonly page: 'home' }
  | { readonly page: 'dashboard'; readonly id: string }
  | { readonly page: 'dataset'; readonly id: string }
  | { readonly page: 'embed'; readonly id: string }
  | { readonly page: 'signin' }
  | { readonly page: 'not-found' };

/** The page a path shows (the server answers the same paths with the app). */
export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { page: 'home' };
  if (path === '/signin') return { page: 'signin' };
  const match = /^\/(dashboards|datasets|embed)\/([^/]+)$/.exec(path);
  if (!match) return { page: 'not-found' };
  let id: string;
  try {
    id = decodeURIComponent(match[2] as string);
  } catch {
    return { page: 'not-found' };
  }
  if (match[1] === 'embed') return { page: 'embed', id };
  return match[1] === 'dashboards' ? { page: 'dashboard', id } : { page: 'dataset', id };
}

export function dashboardPath(id: string): string {
  return `/dashboards/${encodeURIComponent(id)}`;
}

export function datasetPath(id: string): string {
  return `/datasets/${encodeURIComponent(id)}`;
}
