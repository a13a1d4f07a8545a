/**
 * Every error leaves as `{"statusCode","error","message"}` (plus our stable `code` and the
 * bad `parameter` when known). A user's mistake is a 4xx naming what is wrong; only our own
 * failures are 5xx, and production bodies never carry stack traces or internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { STATUS_CODES } from 'node:http';
import { DashportError, ERROR_CATALOG } from '../../errors.js';
import type { ErrorBody } from '../../shared/api-types.js';

export interface ErrorHandlerOptions {
  readonly production: boolean;
  /** Called for 5xx errors (Sentry, metrics). */
  readonly onServerError?: (error: unknown, request: FastifyRequest) => void;
}

function body(status: number, message: string, extra: Partial<ErrorBody> = {}): ErrorBody {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, ...extra };
}

/** Fastify's own client errors (validation, body parsing, size) keep their 4xx status. */
function fastifyClientError(error: FastifyError): ErrorBody | undefined {
  if (error.validation) {
    const first = error.validation[0];
    const where = first?.instancePath
      ? first.instancePath.replace(/^\//, '').replaceAll('/', '.')
      : '';
    const parameter =
      (first?.params as { missingProperty?: string } | undefined)?.missingProperty ?? where;
    return body(400, error.message, {
      code: 'DASHPORT_ERR_BAD_PARAMETER',
      ...(parameter ? { parameter } : {}),
    });
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return body(413, error.message, { code: 'DASHPORT_ERR_BODY_TOO_LARGE' });
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return body(415, error.message, { code: 'DASHPORT_ERR_UNSUPPORTED_MEDIA_TYPE' });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return body(status, error.message, { code: 'DASHPORT_ERR_BAD_BODY' });
  return undefined;
}

export function sendError(reply: FastifyReply, error: DashportError): FastifyReply {
  if (error.retryAfterSeconds !== undefined)
    reply.header('Retry-After', String(Math.ceil(error.retryAfterSeconds)));
  if (error.headers !== undefined) reply.headers(error.headers);
  return reply
    .code(error.status)
    .type('application/json; charset=utf-8')
    .send(
      body(error.status, error.message, {
        code: error.code,
        ...(error.parameter === undefined ? {} : { parameter: error.parameter }),
      }),
    );
}

async function errorHandler(app: FastifyInstance, options: ErrorHandlerOptions): Promise<void> {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DashportError) {
      if (error.status >= 500) {
        request.log.error({ err: error, code: error.code }, error.message);
        if (error.status !== 503) options.onServerError?.(error, request);
      }
      return sendError(reply, error);
    }
    const client = fastifyClientError(error);
    if (client)
      return reply.code(client.statusCode).type('application/json; charset=utf-8').send(client);
    request.log.error({ err: error }, 'unhandled error');
    options.onServerError?.(error, request);
    const message = options.production
      ? 'internal error; the request id in X-Request-Id identifies it in the logs'
      : `internal error: ${error.message}`;
    return reply
      .code(500)
      .type('application/json; charset=utf-8')
      .send(body(500, message, { code: 'DASHPORT_ERR_INTERNAL' }));
  });

  app.setNotFoundHandler((request, reply) => {
    const status = ERROR_CATALOG.DASHPORT_ERR_NOT_FOUND.status;
    return reply
      .code(status)
      .type('application/json; charset=utf-8')
      .send(
        body(status, `no route for ${request.method} ${request.url.split('?')[0] ?? ''}`, {
          code: 'DASHPORT_ERR_NOT_FOUND',
        }),
      );
  });
}

export default fp(errorHandler, { name: 'dashport-error-handler' });
