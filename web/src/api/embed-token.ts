/**
 * The signed embed token of an embedded dashboard (`/embed/<id>?embed_token=…`). Read once at
 * start; every API call then carries it (a header on fetches, the query parameter where a
 * browser cannot set headers: EventSource and download links). The server checks the token on
 * every request; what the page reads from its claims only decides what is shown as locked.
 */
import type { LockedFilterValues } from '../../../src/shared/dashboard-types.js';

/** Names shared with the server (src/auth/session-claims.ts). */
export const EMBED_TOKEN_HEADER = 'x-dashport-embed';
export const EMBED_TOKEN_PARAM = 'embed_token';

let current: string | undefined;

/** Take the token from the URL of an embed page; other pages have none. */
export function initEmbedToken(pathname: string, search: string): void {
  if (!pathname.startsWith('/embed/')) return;
  const token = new URLSearchParams(search).get(EMBED_TOKEN_PARAM);
  current = token === null || token === '' ? undefined : token;
}

export function embedToken(): string | undefined {
  return current;
}

/** `url` with the token as a query parameter (for EventSource and links), unchanged without one. */
export function withEmbedToken(url: string): string {
  if (current === undefined) return url;
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}${EMBED_TOKEN_PARAM}=${encodeURIComponent(current)}`;
}

export interface EmbedClaims {
  readonly dashboard: string;
  readonly filters: LockedFilterValues;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number | undefined;
}

/** The claims of a token (its payload is signed, not secret); undefined when it is not one. */
export function embedClaims(token: string): EmbedClaims | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (char) => char.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as {
      dsh?: unknown;
      flt?: unknown;
      exp?: unknown;
    };
    if (typeof claims.dsh !== 'string') return undefined;
    const filters: Record<string, string> = {};
    if (typeof claims.flt === 'object' && claims.flt !== null) {
      for (const [key, value] of Object.entries(claims.flt)) {
        if (typeof value === 'string') filters[key] = value;
      }
    }
    return {
      dashboard: claims.dsh,
      filters,
      expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : undefined,
    };
  } catch {
    return undefined;
  }
}
