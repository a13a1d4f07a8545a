/**
 * A request still unanswered after DASHPORT_TIMEOUT gets 503 (with Retry-After) instead of
 * hanging until the client gives up. One sweep timer checks the requests in flight rather
 * than a timer per request. A response whose headers are out — a CSV export or an SSE stream
 * — is already answered and is left alone. The probes are skipped: their work is bounded by
 * their own check timeouts, and they are the hottest routes. A worker whose event loop is
 * blocked cannot run this sweep; the supervisor replaces that worker instead.
 */
import type {
  FastifyInstance,
  FastifyReply,
  onRequestHookHandler,
  onResponseHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import { UnavailableError } from '../../errors.js';

export interface RequestTimeoutOptions {
  readonly timeoutMs: number;
  /** Route patterns that get no timeout. */
  readonly skipRoutes?: readonly string[];
  /** How often to look; defaults to a quarter of the timeout, at most a second. */
  readonly sweepIntervalMs?: number;
}

type Hooks<T> = T | T[] | undefined;

function append<T>(existing: Hooks<T>, hook: T): T[] {
  if (existing === undefined) return [hook];
  return Array.isArray(existing) ? [...existing, hook] : [existing, hook];
}

async function requestTimeout(app: FastifyInstance, options: RequestTimeoutOptions): Promise<void> {
  const inFlight = new Map<FastifyReply, number>();
  const skip = new Set(options.skipRoutes ?? []);
  const sweepMs = options.sweepIntervalMs ?? Math.min(1000, Math.max(10, options.timeoutMs / 4));
  const seconds = Math.round(options.timeoutMs / 100) / 10;

  const start: onRequestHookHandler = (_request, reply, done) => {
    inFlight.set(reply, performance.now());
    done();
  };
  const finish: onResponseHookHandler = (_request, reply, done) => {
    inFlight.delete(reply);
    done();
  };
  // Route-level hooks, so the skipped routes pay nothing at all.
  app.addHook('onRoute', (route) => {
    if (skip.has(route.url)) return;
    route.onRequest = append(route.onRequest as Hooks<onRequestHookHandler>, start);
    route.onResponse = append(route.onResponse as Hooks<onResponseHookHandler>, finish);
  });

  const timer = setInterval(() => {
    const now = performance.now();
    for (const [reply, started] of inFlight) {
      if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) {
        inFlight.delete(reply);
        continue;
      }
      if (now - started < options.timeoutMs) continue;
      inFlight.delete(reply);
      reply.log.warn({ timeoutMs: options.timeoutMs }, 'request timed out');
      void reply.send(
        new UnavailableError(
          'DASHPORT_ERR_QUERY_TIMEOUT',
          `the request took longer than DASHPORT_TIMEOUT (${seconds} s); retry, or narrow the query`,
          5,
        ),
      );
    }
  }, sweepMs);
  timer.unref();
  app.addHook('onClose', (_instance, done) => {
    clearInterval(timer);
    done();
  });
}

export default fp(requestTimeout, { name: 'dashport-request-timeout', fastify: '5.x' });
