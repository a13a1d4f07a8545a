/**
 * Everything every request passes through at the HTTP edge, in one registration: request id,
 * security headers, CORS, access log, request metrics, the request timeout, Sentry, and the
 * `Connection: close` that moves keep-alive clients off a draining worker. Register it first
 * in buildApp, before any route, so encapsulated route plugins inherit its hooks.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config/config.js';
import type { Operations } from '../../observability/operations.js';
import accessLog from './access-log.js';
import cors from './cors.js';
import requestMetrics from './metrics.js';
import requestId from './request-id.js';
import requestTimeout from './request-timeout.js';
import securityHeaders, { securityHeaderTable } from './security-headers.js';
import sentry from './sentry.js';

export interface EdgeOptions {
  readonly config: Pick<Config, 'isProduction' | 'corsOrigins' | 'timeoutSeconds'>;
  readonly operations: Operations;
}

async function edge(app: FastifyInstance, options: EdgeOptions): Promise<void> {
  const { config, operations } = options;
  await app.register(requestId);
  await app.register(securityHeaders, { production: config.isProduction, posture: operations.security });
  await app.register(cors, { origins: config.corsOrigins });
  await app.register(accessLog, {});
  await app.register(requestMetrics, { operations });
  await app.register(requestTimeout, { timeoutMs: config.timeoutSeconds * 1000 });
  await app.register(sentry);
  app.addHook('onRequest', (_request, reply, done) => {
    // While draining, each answer closes its connection; a well-behaved client reconnects and
    // lands on a worker that is staying.
    if (operations.closingConnections) reply.header('connection', 'close');
    done();
  });
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
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
    request.log.info({ method: request.method, url: request.raw.url, status, code: error.code }, error.message);
    void reply
      .headers(table)
      .header('x-request-id', request.id)
      .code(status)
      .type('application/json; charset=utf-8')
      .send({ statusCode: status, error: STATUS_CODES[status] ?? 'Bad Request', message: error.message, code: 'DASHPORT_ERR_BAD_PARAMETER' });
  };
}
