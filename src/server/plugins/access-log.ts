/**
 * One access line per request — method, route pattern, URL, status, duration, bytes, client IP,
 * with the request id bound by Fastify as `reqId` — in place of Fastify's own two lines per
 * request (disable them with `disableRequestLogging: true`). Probe and scrape routes log at
 * debug: a load balancer polling /readyz every second would otherwise drown the log.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { redactUrlSecrets } from '../../logger.js';

/** Routes polled by machines; their lines are at debug unless they fail. */
export const QUIET_ROUTES: readonly string[] = ['/livez', '/readyz', '/health/quick', '/metrics'];

/** The route label of a request that matched no route. */
export const UNMATCHED_ROUTE = '(unmatched)';

export interface AccessLogOptions {
  readonly quietRoutes?: readonly string[];
}

const LEVEL_VALUES = { debug: 20, info: 30, error: 50 } as const;
const CONFIGURED_LEVEL_VALUES: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

/** Skip building the line when the level is off (FastifyBaseLogger has no isLevelEnabled). */
function isLevelEnabled(log: FastifyBaseLogger, level: keyof typeof LEVEL_VALUES): boolean {
  return LEVEL_VALUES[level] >= (CONFIGURED_LEVEL_VALUES[log.level] ?? 30);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

async function accessLog(app: FastifyInstance, options: AccessLogOptions): Promise<void> {
  const quiet = new Set(options.quietRoutes ?? QUIET_ROUTES);
  // Streamed bodies have no Content-Length: count what the socket wrote during the request.
  const socketBytesAtStart = new WeakMap<IncomingMessage, number>();

  app.addHook('onRequest', (request, _reply, done) => {
    socketBytesAtStart.set(request.raw, request.raw.socket?.bytesWritten ?? 0);
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : quiet.has(route) ? 'debug' : 'info';
    if (!isLevelEnabled(request.log, level)) {
      done();
      return;
    }
    const length = Number(reply.getHeader('content-length'));
    const bytes = Number.isFinite(length)
      ? length
      : (request.raw.socket?.bytesWritten ?? 0) - (socketBytesAtStart.get(request.raw) ?? 0);
    const durationMs = round(reply.elapsedTime);
    const url = redactUrlSecrets(request.url);
    request.log[level](
      {
        method: request.method,
        route,
        url,
        status,
        duration_ms: durationMs,
        bytes,
        ip: request.ip,
        user_agent: request.headers['user-agent'],
      },
      `${request.method} ${url} ${status} ${durationMs}ms`,
    );
    done();
  });
}

export default fp(accessLog, { name: 'dashport-access-log', fastify: '5.x' });
