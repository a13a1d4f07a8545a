/**
 * The site icon, served from memory at `/favicon.svg` (what the web app and `/docs` link) and
 * at `/favicon.ico` (what a browser asks for when a page links none, and what bookmarks and
 * other tools fetch). Without it every page logged a 404 in the console (issue 9, defect 4).
 * It lives in the server, not only in the web build, so `/docs` has its icon even where the
 * web app is not built. `web/public/favicon.svg` is the same file (a test keeps them equal).
 * An SVG image runs no script, so it is fine under the page's CSP (`img-src 'self'`).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#2563eb"/><path d="M7 23V15M13 23V9M19 23v-6M25 23V12" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>\n';

/** Where pages point their `<link rel="icon">`. */
export const FAVICON_PATH = '/favicon.svg';
/** The URL is not fingerprinted: a day, then a revalidation that is a 304 while unchanged. */
export const FAVICON_MAX_AGE_SECONDS = 24 * 60 * 60;

const ETAG = `"${createHash('sha256').update(FAVICON_SVG).digest('base64url').slice(0, 27)}"`;
const BODY = Buffer.from(FAVICON_SVG);
const CACHE_CONTROL = `public, max-age=${FAVICON_MAX_AGE_SECONDS}`;

/** `GET /favicon.svg` and `GET /favicon.ico`, with an ETag and 304 on a match. */
export async function faviconRoutes(app: FastifyInstance): Promise<void> {
  for (const url of [FAVICON_PATH, '/favicon.ico']) {
    app.get(url, { schema: { hide: true } }, async (request, reply) => {
      void reply.header('cache-control', CACHE_CONTROL).header('etag', ETAG);
      if (request.headers['if-none-match'] === ETAG) return reply.code(304).send();
      return reply.type('image/svg+xml').send(BODY);
    });
  }
}
