/**
 * `GET /api/v1/datasets/{id}/events`: Server-Sent Events of a dataset — `rows` (a batch of new
 * rows: columns, rows, version) and `version` (the data changed otherwise: reload). Resumes
 * after `Last-Event-ID` (header, or `lastEventId` in the query for clients that cannot set
 * headers). The stream bypasses compression and proxy buffering, and ends when its viewer's
 * access does (stream-access.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SseHub } from '../../../live/sse-hub.js';
import { authorize } from '../../plugins/auth.js';
import { endWhenAccessEnds } from './stream-access.js';

export interface EventRoutesOptions {
  readonly hub: SseHub;
  /** Throws the 404 (unknown dataset) before the stream starts. */
  readonly assertDataset: (id: string) => void;
}

/** The SSE route. */
export async function eventRoutes(
  app: FastifyInstance,
  options: EventRoutesOptions,
): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/datasets/:id/events',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Live updates of a dataset as Server-Sent Events (rows, version)',
        params: z.object({ id: z.string().min(1).max(200).describe('dataset id') }),
        querystring: z.object({ lastEventId: z.string().max(200).optional() }),
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      // A subscriber gets a dataset's events only if it may read the dataset's rows.
      authorize(request, { kind: 'dataset', id });
      options.assertDataset(id);
      const header = request.headers['last-event-id'];
      const lastEventId =
        (typeof header === 'string' ? header : undefined) ?? request.query.lastEventId;
      reply.hijack();
      const headers = {
        ...reply.getHeaders(),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // nginx: pass events through as they come.
        'x-accel-buffering': 'no',
      };
      reply.raw.writeHead(200, headers as Record<string, string | string[] | number>);
      reply.raw.socket?.setNoDelay(true);
      options.hub.attach(id, reply.raw, lastEventId);
      endWhenAccessEnds({
        access: request.server.access,
        identity: request.identity,
        resource: { kind: 'dataset', id },
        response: reply.raw,
      });
    },
  );
}
