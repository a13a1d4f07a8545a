/**
 * Everything every request passes through at the HTTP edge, in one registration: request id,
 * security headers, CORS, access log, request metrics, the request timeout, Sentry, and the
 * `Connection: close` that moves keep-alive clients off a draining worker. The per-request work
 * runs in one onRequest and one onResponse hook (each Fastify hook has a cost of its own, and
 * /health/quick is measured against a bare hello-world). Register it first in buildApp, before
 * any route, so encapsulated route plugins inherit its hooks.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config/config.js';
import type { Operations } from '../../observability/operations.js';
import { QUIET_ROUTES, UNMATCHED_ROUTE, createAccessLog } from './access-log.js';
import cors from './cors.js';
import { createRequestRecorder } from './metrics.js';
import requestTimeout from './request-timeout.js';
import { securityHeaderTable } from './security-headers.js';
import sentry from './sentry.js';

export interface EdgeOptions {
  readonly config: Pick<Config, 'isProduction' | 'corsOrigins' | 'timeoutSeconds'>;
  readonly operations: Operations;
}

async function edge(app: FastifyInstance, options: EdgeOptions): Promise<void> {
  const { config, operations } = options;
  const headers = securityHeaderTable(config.isProduction);
  operations.security.cspEnabled = true;
  operations.security.hstsEnabled = config.isProduction;
  const record = createRequestRecorder(operations);
  const accessLog = createAccessLog();

  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    reply.header('x-request-id', request.id);
    // While draining, each answer closes its connection; a well-behaved client reconnects and
    // lands on a worker that is staying.
    if (operations.closingConnections) reply.header('connection', 'close');
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    // Looked up once: Fastify builds a new routeOptions object on every read.
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    record(request, reply, route);
    accessLog(request, reply, route);
    done();
  });

  await app.register(cors, { origins: config.corsOrigins });
  await app.register(requestTimeout, {
    timeoutMs: config.timeoutSeconds * 1000,
    skipRoutes: [...QUIET_ROUTES, '/health'],
  });
  await app.register(sentry);
}

export default fp(edge, { name: 'dashport-edge', fastify: '5.x' });

/**
 * Fastify's `frameworkErrors` option. A URL the router cannot even decode (`/%E0%A4%A`) or
 * whose parameter is too long is answered before any hook runs, so without this handler those
 * 400/414 answers would go out without our headers and body shape.
 */
export function createFrameworkErrorHandler(
  config: Pick<Config, 'isProduction'>,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  const table = securityHeaderTable(config.isProduction);
  return (error, request, reply) => {
    const status =
      error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 400;
    request.log.info(
      { method: request.method, url: request.raw.url, status, code: error.code },
      error.message,
    );
    void reply
      .headers(table)
      .header('x-request-id', request.id)
      .code(status)
      .type('application/json; charset=utf-8')
      .send({
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Bad Request',
        message: error.message,
        code: 'DASHPORT_ERR_BAD_PARAMETER',
      });
  };
}
