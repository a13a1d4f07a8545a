/**
 * One access line per request — method, route pattern, URL, status, duration, bytes, client IP,
 * with the request id bound by Fastify as `reqId` — in place of Fastify's own two lines per
 * request (disable them with `disableRequestLogging`). Probe and scrape routes log at debug: a
 * load balancer polling /readyz every second would otherwise drown the log.
 */
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { redactUrlSecrets } from '../../logger.js';

/** Routes polled by machines; their lines are at debug unless they fail. */
export const QUIET_ROUTES: readonly string[] = ['/livez', '/readyz', '/health/quick', '/metrics'];

/** The route label of a request that matched no route. */
export const UNMATCHED_ROUTE = '(unmatched)';

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
  return LEVEL_VALUES[level] >= (CONFIGURED_LEVEL_VALUES[log.level] ?? LEVEL_VALUES.info);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** What one access line says of a finished request. */
export interface AccessLineInput {
  readonly method: string;
  readonly route: string;
  /** As received: secrets in it are redacted here. */
  readonly url: string;
  readonly status: number;
  readonly elapsedMs: number;
  readonly bytes: number;
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
}

/** The fields and message of an access line, for the route's hook and for the lanes alike. */
export function accessLine(input: AccessLineInput): [Record<string, unknown>, string] {
  const durationMs = round(input.elapsedMs);
  const url = redactUrlSecrets(input.url);
  return [
    {
      method: input.method,
      route: input.route,
      url,
      status: input.status,
      duration_ms: durationMs,
      bytes: input.bytes,
      ip: input.ip,
      user_agent: input.userAgent,
    },
    `${input.method} ${url} ${input.status} ${durationMs}ms`,
  ];
}

/** Writes the access line of a finished request; call it from onResponse. */
export function createAccessLog(
  quietRoutes: readonly string[] = QUIET_ROUTES,
): (request: FastifyRequest, reply: FastifyReply, route: string) => void {
  const quiet = new Set(quietRoutes);
  // Streamed bodies have no Content-Length: what the socket wrote since the previous response
  // on this keep-alive connection is this response.
  const bytesAtLastResponse = new WeakMap<Socket, number>();

  return (request, reply, route) => {
    const socket = request.raw.socket as Socket | null;
    const written = socket?.bytesWritten ?? 0;
    const before = socket === null ? 0 : (bytesAtLastResponse.get(socket) ?? 0);
    if (socket !== null) bytesAtLastResponse.set(socket, written);

    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : quiet.has(route) ? 'debug' : 'info';
    if (!isLevelEnabled(request.log, level)) return;
    const length = Number(reply.getHeader('content-length'));
    const [fields, message] = accessLine({
      method: request.method,
      route,
      url: request.url,
      status,
      elapsedMs: reply.elapsedTime,
      bytes: Number.isFinite(length) ? length : written - before,
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    });
    request.log[level](fields, message);
  };
}
