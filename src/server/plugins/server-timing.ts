/**
 * `Server-Timing` on API responses: total time plus whatever a route records in
 * `request.serverTimings` (engine time, cache layer), visible in the browser's devtools. The
 * hooks are attached to /api routes only (through onRoute), so pages and probes pay nothing.
 */
import type { FastifyInstance, onRequestHookHandler, onSendHookHandler } from 'fastify';
import fp from 'fastify-plugin';

export interface ServerTimingEntry {
  readonly name: string;
  readonly durationMs: number;
  readonly description?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Timings to report; present on /api routes. */
    serverTimings: ServerTimingEntry[];
  }
}

const UNQUOTABLE = /["\\]/g;

function format(entry: ServerTimingEntry): string {
  const { description } = entry;
  const desc =
    description === undefined
      ? ''
      : `;desc="${description.includes('"') || description.includes('\\') ? description.replace(UNQUOTABLE, '') : description}"`;
  return `${entry.name};dur=${entry.durationMs.toFixed(2)}${desc}`;
}

type Hooks<T> = T | T[] | undefined;

function prepend<T>(hook: T, existing: Hooks<T>): T[] {
  if (existing === undefined) return [hook];
  return Array.isArray(existing) ? [hook, ...existing] : [hook, existing];
}

function append<T>(existing: Hooks<T>, hook: T): T[] {
  if (existing === undefined) return [hook];
  return Array.isArray(existing) ? [...existing, hook] : [existing, hook];
}

async function serverTiming(
  app: FastifyInstance,
  options: { readonly prefix?: string },
): Promise<void> {
  const prefix = options.prefix ?? '/api/';
  app.decorateRequest('serverTimings', null as unknown as ServerTimingEntry[]);
  const start: onRequestHookHandler = (request, _reply, done) => {
    request.serverTimings = [];
    done();
  };
  const header: onSendHookHandler = (request, reply, payload, done) => {
    let value = '';
    // Null when an app-level onRequest hook (auth's 401) answered before the route's `start` ran.
    for (const entry of request.serverTimings ?? []) value += `${format(entry)}, `;
    reply.header('server-timing', `${value}total;dur=${reply.elapsedTime.toFixed(2)}`);
    done(null, payload);
  };
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(prefix)) return;
    // First: a route's own onRequest hook may answer (401) before later hooks run.
    route.onRequest = prepend(start, route.onRequest as Hooks<onRequestHookHandler>);
    route.onSend = append(route.onSend as Hooks<onSendHookHandler>, header);
  });
}

export default fp(serverTiming, { name: 'dashport-server-timing' });
