/** `/openapi.json` (generated from the route schemas) and `/docs` (a readable page of it). */
import type { FastifyInstance } from 'fastify';
import { DOCS_CSS, type OpenApiDocument, renderDocs } from './render-docs.js';

export async function docsRoutes(app: FastifyInstance): Promise<void> {
  let html: string | undefined;
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
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
