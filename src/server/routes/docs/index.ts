/** `/openapi.json` (generated from the route schemas) and `/docs` (a readable page of it). */
import type { FastifyInstance } from 'fastify';
import { DOCS_CSS, type OpenApiDocument, renderDocs } from './render-docs.js';
import { viewerOpenApi } from './viewer-openapi.js';

export interface DocsRoutesOptions {
  /** Every dataset and dashboard id; /openapi.json lists those the viewer may read. */
  readonly datasetIds?: () => readonly string[];
  readonly dashboardIds?: () => readonly string[];
}

export async function docsRoutes(
  app: FastifyInstance,
  options: DocsRoutesOptions = {},
): Promise<void> {
  let html: string | undefined;
  app.get('/openapi.json', { schema: { hide: true } }, async (request) => {
    const doc = app.swagger() as unknown as Parameters<typeof viewerOpenApi>[0];
    const { access } = request.server;
    return viewerOpenApi(doc, {
      datasets: access.readable(request.identity, 'dataset', options.datasetIds?.() ?? []),
      dashboards: access.readable(request.identity, 'dashboard', options.dashboardIds?.() ?? []),
    });
  });
  app.get('/docs', { schema: { hide: true } }, async (_request, reply) => {
    html ??= renderDocs(app.swagger() as unknown as OpenApiDocument);
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(html);
  });
  app.get('/docs/docs.css', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('Cache-Control', 'public, max-age=3600')
      .send(DOCS_CSS),
  );
}
