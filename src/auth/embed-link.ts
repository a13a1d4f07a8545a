/**
 * Where a signed embed link points: the embed page of the web app (`/embed/<id>`), with the
 * token in its query string so that a plain `<iframe src>` carries it.
 */
import { EMBED_TOKEN_PARAM } from './session-claims.js';

/** The path of a dashboard's embed page; the server and the web app route on this prefix. */
export const EMBED_PATH_PREFIX = '/embed/';

export function embedPagePath(dashboard: string): string {
  return `${EMBED_PATH_PREFIX}${encodeURIComponent(dashboard)}`;
}

/** `https://dash.example.com/embed/tools?embed_token=…` (a path in `publicUrl` is kept). */
export function embedUrl(publicUrl: string, dashboard: string, token: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return `${base}${embedPagePath(dashboard)}?${EMBED_TOKEN_PARAM}=${encodeURIComponent(token)}`;
}
