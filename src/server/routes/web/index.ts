/**
 * The web app: the built single-page app in `dist/web` (`npm run build:web`). Fingerprinted
 * assets are cached for a year; the HTML is revalidated every time so a new build is seen at
 * once. Files are served pre-compressed (brotli, gzip, written at build time) when the client
 * accepts it. Client-side routes answer the app's HTML, so a shared URL opens the same view.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ANONYMOUS } from '../../../auth/identity.js';
import { PACKAGE_ROOT } from '../../../config/config.js';
import { UnavailableError } from '../../../errors.js';
import { type DashboardPagePreload, preloadLinks } from './page-preload.js';
import { faviconRoutes } from './favicon.js';

/** Where `vite build` writes the app. */
export const DEFAULT_WEB_ROOT = path.join(PACKAGE_ROOT, 'dist', 'web');
/** Assets carry a content hash in their name, so a cached copy never goes stale. */
export const ASSET_MAX_AGE_MS = 365 * 24 * 60 * 60 * 1000;

/** Paths of the app's own pages: served the app's HTML, which routes on the client. */
export const CLIENT_ROUTES = [
  '/',
  '/dashboards/:id',
  '/datasets/:id',
  '/embed/:id',
  '/signin',
] as const;

export interface WebRoutesOptions {
  /** The build output (index.html + assets/); defaults to dist/web in the package. */
  readonly root?: string;
  /** The API requests a dashboard page preloads (page-preload.ts); none without it. */
  readonly dashboardPagePreload?: DashboardPagePreload;
}

/** The dashboard page a client route shows, if it is one. */
const DASHBOARD_PAGE = '/dashboards/:id';

export async function webRoutes(app: FastifyInstance, options: WebRoutesOptions): Promise<void> {
  const root = options.root ?? DEFAULT_WEB_ROOT;
  const built = (): boolean => existsSync(path.join(root, 'index.html'));
  if (!built()) {
    app.log.warn({ root }, 'web app not built: run `npm run build` to serve the dashboard');
  }

  // The reply decorator only: pages are sent by the routes below, with their own caching.
  await app.register(fastifyStatic, {
    root,
    serve: false,
    preCompressed: true,
    suppressWarning: true,
  });
  await app.register(fastifyStatic, {
    root: path.join(root, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    preCompressed: true,
    maxAge: ASSET_MAX_AGE_MS,
    immutable: true,
    // The directory may appear after start (a build in another terminal).
    suppressWarning: true,
    index: false,
    list: false,
  });

  const sendPage = (reply: FastifyReply): FastifyReply => {
    if (!built()) {
      throw new UnavailableError(
        'DASHPORT_ERR_UNREACHABLE',
        'the web app is not built; run `npm run build` (the API under /api/v1 works without it)',
        60,
      );
    }
    void reply.header('Cache-Control', 'no-cache');
    return reply.sendFile('index.html', { cacheControl: false });
  };

  const preload = options.dashboardPagePreload;
  const addPreload = (request: FastifyRequest, reply: FastifyReply): void => {
    if (preload === undefined) return;
    const { id } = request.params as { id: string };
    const at = request.url.indexOf('?');
    // Without the auth plugin (a bare app in tests) there is no identity: anonymous.
    const identity = (request.identity as typeof request.identity | undefined) ?? ANONYMOUS;
    const paths = preload(identity, id, at < 0 ? '' : request.url.slice(at));
    if (paths.length > 0) void reply.header('Link', preloadLinks(paths));
  };

  for (const url of CLIENT_ROUTES) {
    app.get(url, { schema: { hide: true } }, async (request, reply) => {
      if (url === DASHBOARD_PAGE) addPreload(request, reply);
      return sendPage(reply);
    });
  }
  await app.register(faviconRoutes);
}
