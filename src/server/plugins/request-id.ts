/**
 * Request ids: a sane incoming `X-Request-Id` (from a proxy or a client tracing a call) is
 * kept, anything else is replaced by a UUID. The edge echoes it on every response, Fastify binds
 * it to every log line of the request (`reqId`) and Sentry events are tagged with it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Short, printable, no separators a log or header parser could trip on. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/** Fastify's `genReqId`: pass it with `requestIdHeader: false` so the check above applies. */
export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming)
    ? incoming
    : randomUUID();
}
