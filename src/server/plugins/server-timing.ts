/**
 * `Server-Timing` on API responses: total handler time plus whatever a route records in
 * `request.serverTimings` (engine time, cache layer), visible in the browser's devtools.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface ServerTimingEntry {
  readonly name: string;
  readonly durationMs: number;
  readonly description?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    serverTimings: ServerTimingEntry[];
    startedAt: number;
  }
}

function format(entry: ServerTimingEntry): string {
  const description = entry.description === undefined ? '' : `;desc="${entry.description.replace(/["\\]/g, '')}"`;
  return `${entry.name};dur=${entry.durationMs.toFixed(2)}${description}`;
}

async function serverTiming(app: FastifyInstance, options: { readonly prefix?: string }): Promise<void> {
  const prefix = options.prefix ?? '/api/';
  app.decorateRequest('serverTimings', null as unknown as ServerTimingEntry[]);
  app.decorateRequest('startedAt', 0);
  app.addHook('onRequest', async (request) => {
    request.serverTimings = [];
    request.startedAt = performance.now();
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith(prefix)) return payload;
    const total = { name: 'total', durationMs: performance.now() - request.startedAt };
    reply.header('Server-Timing', [...request.serverTimings, total].map(format).join(', '));
    return payload;
  });
}

export default fp(serverTiming, { name: 'dashport-server-timing' });
