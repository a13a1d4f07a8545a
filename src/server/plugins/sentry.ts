/**
 * Error tracking with @sentry/node when SENTRY_DSN is set: unexpected errors and 5xx answers
 * are captured with the request id and route pattern, and requests are traced at
 * SENTRY_TRACES_SAMPLE_RATE (Sentry's HTTP server integration gives each request its own
 * scope and span). The SDK is imported only when a DSN is configured, so a server without one
 * pays nothing. Events are scrubbed before they leave: no authorization or cookie header, no
 * request body, no password inside a URL. The DSN itself is never logged or echoed.
 */
import type * as Sentry from '@sentry/node';
import type { NodeOptions } from '@sentry/node';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config/config.js';
import { redactUrlSecrets } from '../../logger.js';
import { UNMATCHED_ROUTE } from './access-log.js';

type SentrySdk = typeof Sentry;
type SentryEvent = Parameters<NonNullable<NodeOptions['beforeSend']>>[0];

/** Headers that must never reach a third party. */
const SECRET_HEADERS = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'proxy-authorization',
];

/** How long a stopping process waits for queued events to be delivered. */
export const SENTRY_FLUSH_TIMEOUT_MS = 2_000;

let sdk: SentrySdk | undefined;
const captured = new WeakSet<FastifyRequest>();

/** Removes secrets from an event in place; exported for its test. */
export function scrubEvent<T extends SentryEvent>(event: T): T {
  const request = event.request;
  if (request) {
    if (request.headers) {
      for (const name of Object.keys(request.headers)) {
        if (SECRET_HEADERS.includes(name.toLowerCase())) delete request.headers[name];
      }
    }
    delete request.cookies;
    delete request.data;
    if (request.url) request.url = redactUrlSecrets(request.url);
    if (typeof request.query_string === 'string')
      request.query_string = redactUrlSecrets(request.query_string);
  }
  for (const exception of event.exception?.values ?? []) {
    if (exception.value) exception.value = redactUrlSecrets(exception.value);
  }
  if (event.message) event.message = redactUrlSecrets(event.message);
  return event;
}

/** Start the SDK in this process when SENTRY_DSN is set; true when it is running. */
export async function initSentry(
  config: Pick<Config, 'sentryDsn' | 'sentryTracesSampleRate' | 'env' | 'version'>,
  role: 'supervisor' | 'worker' | 'dev',
): Promise<boolean> {
  if (config.sentryDsn === undefined) return false;
  if (sdk !== undefined) return true;
  sdk = await import('@sentry/node');
  sdk.init({
    dsn: config.sentryDsn,
    environment: config.env,
    release: `dashport@${config.version}`,
    tracesSampleRate: config.sentryTracesSampleRate,
    // Collect nothing personal or secret: no user info, cookies, bodies, query values, database
    // parameters or local variables; headers minus the secret ones (scrubEvent checks again).
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpBodies: [],
      httpHeaders: { request: { deny: SECRET_HEADERS }, response: false },
      urlQueryParams: false,
      databaseQueryData: false,
      queues: false,
      // Local variables of a failing frame may hold a token or a row of user data.
      stackFrameVariables: false,
    },
    initialScope: { tags: { role } },
    beforeSend: (event) => scrubEvent(event),
  });
  return true;
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

/**
 * Report an unexpected error of a request: the error handler's `onServerError`.
 * A no-op without SENTRY_DSN.
 */
export function captureServerError(error: unknown, request: FastifyRequest): void {
  if (sdk === undefined) return;
  captured.add(request);
  sdk.captureException(error, {
    tags: { request_id: request.id, route: routeOf(request), method: request.method },
  });
}

/** Deliver queued events before the process exits. */
export async function flushSentry(timeoutMs: number = SENTRY_FLUSH_TIMEOUT_MS): Promise<void> {
  if (sdk !== undefined) await sdk.flush(timeoutMs);
}

async function sentryRequests(app: FastifyInstance): Promise<void> {
  const client = sdk;
  if (client === undefined) return;
  app.addHook('onRequest', (request, _reply, done) => {
    // The HTTP integration gave this request its own isolation scope: tag it for every event.
    const scope = client.getIsolationScope();
    scope.setTags({ request_id: request.id, route: routeOf(request), method: request.method });
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    // A 5xx without a thrown error (a handler that set the status itself). 503 is how we
    // deliberately say "not now" (warming up, draining, a source down) and is in /health.
    if (reply.statusCode >= 500 && reply.statusCode !== 503 && !captured.has(request)) {
      client.captureMessage(`${request.method} ${routeOf(request)} answered ${reply.statusCode}`, {
        level: 'error',
        tags: { request_id: request.id, route: routeOf(request), method: request.method },
      });
    }
    done();
  });
}

/** Registers the per-request hooks; does nothing unless `initSentry` started the SDK. */
export default fp(sentryRequests, { name: 'dashport-sentry', fastify: '5.x' });
