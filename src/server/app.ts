/**
 * Builds the Fastify app from the config and the domain services. Never listens and never
 * touches the process: `listen.ts` does that, and tests `inject()` into the app directly.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { createAccessRules } from '../auth/access-rules.js';
import { createAuthServices } from '../auth/auth-services.js';
import type { Config } from '../config/config.js';
import { createDashboardStore } from '../dashboards/dashboard-store.js';
import { loadSettings } from '../engine/dataset-settings.js';
import { createRateLimitCounters } from '../resilience/rate-limit-store.js';
import type { Catalog } from '../engine/catalog.js';
import type { DatasetQueries } from '../engine/dataset-queries.js';
import type { Logger } from '../logger.js';
import type { SharedState } from '../live/shared-state.js';
import type { Operations } from '../observability/operations.js';
import { QUIET_ROUTES } from './plugins/access-log.js';
import auth from './plugins/auth.js';
import edge, { createFrameworkErrorHandler } from './plugins/edge.js';
import embed from './plugins/embed.js';
import { lazyChildLoggerFactory } from './plugins/lazy-child-logger.js';
import { serializeJson } from './json-serializer.js';
import { createLaneRecorder } from './plugins/metrics.js';
import { requestIdFor } from './plugins/request-id.js';
import { securityHeaderTable } from './plugins/security-headers.js';
import { type AnswerLaneServices, createAnswerLane } from './lanes/answer-lane.js';
import { createClientAddress, trustProxyOption } from './lanes/client-address.js';
import { laneServerFactory } from './lanes/lane-server.js';
import { createProbeLane } from './lanes/probe-lane.js';
import { createQuickHealth } from './quick-health.js';
import { compileValidator } from './validator-compiler.js';
import { captureServerError } from './plugins/sentry.js';
import errorHandler from './plugins/error-handler.js';
import { createRateLimitGate, rateLimitPlugin } from './plugins/rate-limit.js';
import serverTiming from './plugins/server-timing.js';
import { authRoutes } from './routes/auth/index.js';
import { dashboardRoutes } from './routes/dashboards/index.js';
import { datasetRoutes } from './routes/datasets/index.js';
import { docsRoutes } from './routes/docs/index.js';
import { eventRoutes } from './routes/events/index.js';
import { healthRoutes } from './routes/health/index.js';
import { ingestRoutes } from './routes/ingest/index.js';
import { registerSignInRoutes } from './routes/oidc/sign-in-routes.js';
import { createDashboardPagePreload } from './routes/web/page-preload.js';
import { webRoutes } from './routes/web/index.js';
import type { RuntimeState } from './runtime-state.js';

export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly catalog: Catalog;
  readonly queries: DatasetQueries;
  readonly state: RuntimeState;
  /** Metrics, the server view (workers, memory) and dependency probes: src/observability. */
  readonly operations: Operations;
  /** Redis, rate limits, PostgreSQL and live data, when this process serves them. */
  readonly shared?: SharedState;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const quick = createQuickHealth();
  let closing = false;
  const headers = securityHeaderTable(config.isProduction);
  const trustProxy = trustProxyOption(config.trustProxy);
  // The routes answer instead while a draining worker closes connections, while debug access
  // lines are wanted (a lane writes info lines only), and once the server closes.
  const lanesOpen = (): boolean =>
    !closing && !deps.operations.closingConnections && !deps.logger.isLevelEnabled('debug');
  // Set once every route is registered: until then the answer lane passes every request on.
  const answerLane: { services?: AnswerLaneServices } = {};
  const lanes = [
    createProbeLane({
      quick,
      headers,
      record: createLaneRecorder(deps.operations, 'probe'),
      open: lanesOpen,
    }),
    createAnswerLane({
      headers,
      record: createLaneRecorder(deps.operations, 'answer'),
      // CORS headers depend on the Origin and its preflight: @fastify/cors answers those.
      open: () => lanesOpen() && config.corsOrigins.length === 0,
      clientAddress: createClientAddress(trustProxy),
      logger: deps.logger,
      services: () => answerLane.services,
    }),
  ];
  const app = Fastify({
    serverFactory: laneServerFactory(lanes),
    loggerInstance: deps.logger as FastifyBaseLogger,
    // The access-log plugin writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy,
    requestIdHeader: false,
    genReqId: requestIdFor,
    childLoggerFactory: lazyChildLoggerFactory,
    // Answers for URLs the router cannot decode carry our headers and error shape too.
    frameworkErrors: createFrameworkErrorHandler(config),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    return503OnClosing: true,
  });

  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.setValidatorCompiler(compileValidator);
  // Responses are typed in TypeScript; re-validating every row at runtime would cost more than it
  // finds. Cached answers are frozen, and their text is written once (json-serializer.ts).
  app.setSerializerCompiler(() => serializeJson);

  // First, so every route plugin below inherits its hooks (headers, ids, logs, metrics, timeout).
  await app.register(edge, { config, operations: deps.operations });
  await app.register(errorHandler, {
    production: config.isProduction,
    onServerError: captureServerError,
  });
  await app.register(serverTiming, {});
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Dashport',
        version: config.version,
        description: 'Datasets, rows, aggregates and precomputed analyses over your data.',
      },
      tags: [
        { name: 'datasets', description: 'Datasets and their rows and aggregates' },
        { name: 'analysis', description: 'Precomputed analyses' },
        { name: 'dashboards', description: 'Declarative dashboards and their data' },
      ],
    },
    transform: jsonSchemaTransform,
  });

  const { shared } = deps;
  // One gate for the plugin and the answer lane: the same counters, windows and headers.
  const rateLimitGate =
    shared === undefined
      ? undefined
      : createRateLimitGate(config.rateLimit, shared.rateLimitCounters);
  if (shared) {
    const metrics = deps.operations.metrics;
    // Before every route, so its onRequest hook runs ahead of each of them.
    await app.register(rateLimitPlugin, {
      windows: config.rateLimit,
      counters: shared.rateLimitCounters,
      gate: rateLimitGate,
      onLimited: (request) =>
        metrics.rateLimited.inc({ route: request.routeOptions.url ?? 'unmatched' }),
    });
  }

  // After the rate limit (a flood of bad credentials is limited before argon2 runs), before
  // every route that serves data.
  const dashboards = createDashboardStore({ dir: config.dashboardsDir, logger: deps.logger });
  const settingsSnapshot = await loadSettings(config.dataDir);
  const authServices = await createAuthServices({
    config,
    counters: shared?.rateLimitCounters ?? createRateLimitCounters(),
    onSignIn: (method, outcome, name) => {
      deps.operations.metrics.signIns.inc({ method, outcome });
      deps.logger.info({ event: 'sign_in', method, outcome, user: name }, `sign-in ${outcome}`);
    },
    rules: createAccessRules({
      // The catalog's settings follow a reloaded dashport.yaml; database datasets are not in it.
      datasetSettings: (id) =>
        deps.catalog.has(id) ? deps.catalog.get(id).settings : settingsSnapshot[id],
      dashboards,
    }),
  });
  deps.operations.security.authModes = config.auth.modes;
  await app.register(auth, {
    access: authServices.access,
    resolvers: authServices.resolvers,
    skipRoutes: [...QUIET_ROUTES, '/health'],
    publicUrl: config.auth.publicUrl,
  });
  // Right after auth: embed identities get their framing, their policy checks and their locks.
  await app.register(embed, {
    origins: config.auth.embedOrigins,
    tokensVerified: authServices.signer !== undefined,
    columnsOf: (dataset) => {
      try {
        return deps.queries.describe(dataset).columns.map((column) => column.name);
      } catch {
        return undefined;
      }
    },
  });
  if (config.auth.enabled) {
    await app.register(authRoutes, {
      auth: config.auth,
      services: authServices,
      production: config.isProduction,
      onSignIn: (outcome) => deps.operations.metrics.signIns.inc({ method: 'form', outcome }),
    });
  }

  if (shared) {
    await app.register(ingestRoutes, {
      live: shared.live,
      apiToken: config.apiToken,
      authEnabled: config.auth.enabled,
      bodyLimitBytes: config.bodyLimitBytes,
    });
    await app.register(eventRoutes, {
      hub: shared.hub,
      assertDataset: (id) => shared.assertDataset(id),
    });
  }
  await app.register(healthRoutes, {
    config,
    catalog: deps.catalog,
    state: deps.state,
    operations: deps.operations,
    quick,
    ...(shared === undefined ? {} : { otherFailures: () => shared.pgSqlFailures() }),
  });
  await app.register(datasetRoutes, { queries: deps.queries });
  await app.register(dashboardRoutes, {
    queries: deps.queries,
    dir: config.dashboardsDir,
    store: dashboards,
    // `dashport dev` (and a development serve) pick up an edited dashboard without a restart.
    watch: config.env === 'development',
  });
  await app.register(docsRoutes, {
    datasetIds: () => deps.queries.list().map((dataset) => dataset.id),
    dashboardIds: () => dashboards.list().map((entry) => entry.id),
  });
  await registerSignInRoutes(app, {
    config,
    logger: deps.logger,
    onSignIn: (outcome) => deps.operations.metrics.signIns.inc({ method: 'oidc', outcome }),
  });
  await app.register(webRoutes, {
    dashboardPagePreload: createDashboardPagePreload(dashboards, authServices.access),
  });
  answerLane.services = {
    queries: deps.queries,
    access: authServices.access,
    resolvers: authServices.resolvers,
    rateLimit: rateLimitGate,
  };
  return app;
}
