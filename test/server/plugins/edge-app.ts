/**
 * A small app with the HTTP edge and the real error handler, for the plugin tests: routes
 * that answer 200, 400, 500 and stream, a static folder, and logs captured as JSON lines.
 */
import { Writable } from 'node:stream';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import pino from 'pino';
import { BadParameterError } from '../../../src/errors.js';
import { REDACT_PATHS } from '../../../src/logger.js';
import {
  createSingleProcessOperations,
  type Operations,
} from '../../../src/observability/operations.js';
import edge, { createFrameworkErrorHandler } from '../../../src/server/plugins/edge.js';
import errorHandler from '../../../src/server/plugins/error-handler.js';
import { lazyChildLoggerFactory } from '../../../src/server/plugins/lazy-child-logger.js';
import { requestIdFor } from '../../../src/server/plugins/request-id.js';
import { captureServerError } from '../../../src/server/plugins/sentry.js';
import serverTiming from '../../../src/server/plugins/server-timing.js';

export interface EdgeApp {
  readonly app: FastifyInstance;
  readonly operations: Operations;
  readonly logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export interface EdgeAppOptions {
  readonly production?: boolean;
  readonly corsOrigins?: readonly string[];
  readonly timeoutSeconds?: number;
  readonly logLevel?: string;
  /** Largest request body in bytes (Fastify's bodyLimit); 1 KiB by default. */
  readonly bodyLimit?: number;
}

export async function createEdgeApp(options: EdgeAppOptions = {}): Promise<EdgeApp> {
  const logs: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const logger = pino(
    { level: options.logLevel ?? 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    stream,
  );
  const staticDir = await mkdtemp(path.join(os.tmpdir(), 'dashport-edge-'));
  await writeFile(path.join(staticDir, 'app-3f2a1b.js'), 'console.log("hello");\n');

  const operations = createSingleProcessOperations({
    version: '0.0.0-test',
    memoryLimit: { bytes: 8 * 1024 ** 3, source: 'total-ram' },
    thresholds: { warnPercent: 75, criticalPercent: 85 },
  });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: requestIdFor,
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: options.bodyLimit ?? 1024,
    frameworkErrors: createFrameworkErrorHandler({ isProduction: options.production ?? false }),
  });
  await app.register(edge, {
    config: {
      isProduction: options.production ?? false,
      corsOrigins: options.corsOrigins ?? [],
      timeoutSeconds: options.timeoutSeconds ?? 120,
    },
    operations,
  });
  await app.register(errorHandler, {
    production: options.production ?? false,
    onServerError: captureServerError,
  });
  await app.register(serverTiming, {});
  await app.register(fastifyStatic, { root: staticDir, prefix: '/assets/' });
  await app.register(async (api) => {
    api.get('/api/v1/things/:id', async (request) => {
      request.serverTimings.push({ name: 'db', durationMs: 1.5, description: 'engine' });
      return { id: (request.params as { id: string }).id };
    });
    api.get('/api/v1/bad', async () => {
      throw new BadParameterError('limit', 'limit must be an integer 1-10000, got "x"');
    });
    api.get('/api/v1/boom', async () => {
      // Built at run time so the password is not in this file's source lines (Sentry sends
      // a few lines of source around each frame).
      throw new Error(`connect failed: postgres://app:${['hun', 'ter2'].join('')}@db/x`);
    });
    api.post('/api/v1/echo', async (request) => request.body);
    api.get('/livez', async () => ({ status: 'ok' }));
    api.get('/api/v1/upstream', async (_request, reply) =>
      reply.code(502).send({ statusCode: 502 }),
    );
    api.get('/api/v1/warming', async (_request, reply) =>
      reply.code(503).send({ statusCode: 503 }),
    );
    api.get('/api/v1/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return { late: true };
    });
  });
  await app.ready();
  return {
    app,
    operations,
    logs,
    async close() {
      await app.close();
      await rm(staticDir, { recursive: true, force: true });
    },
  };
}
