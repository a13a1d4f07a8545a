/**
 * `/api/v1/dashboards…`: the declarative dashboards of the dashboards dir, their JSON Schema
 * for editors, and every panel's data in one request. With `watch`, a changed file is
 * reloaded without a restart (`dashport dev`).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { dashboardDatasets } from '../../../dashboards/dashboard-datasets.js';
import { type DashboardStore, createDashboardStore } from '../../../dashboards/dashboard-store.js';
import { dashboardJsonSchema } from '../../../dashboards/dashboard-schema.js';
import { type DashboardQueries, executeDashboard } from '../../../dashboards/execute-dashboard.js';
import type { DatasetQueries } from '../../../engine/dataset-queries.js';
import type { RawQuery } from '../../../engine/sql/query-types.js';
import type { Logger } from '../../../logger.js';
import type {
  CorrelationAnalysis,
  PcaAnalysis,
  ProfilesAnalysis,
} from '../../../shared/api-types.js';
import type {
  DashboardDefinition,
  DashboardListResponse,
} from '../../../shared/dashboard-types.js';
import type { Identity } from '../../../auth/identity.js';
import { DASHBOARD_LIST_PATH } from '../../../shared/dashboard-data-url.js';
import type { AccessControl } from '../../../auth/access-control.js';
import { answerConditional, etagFor } from '../../http-cache.js';
import { authorize } from '../../plugins/auth.js';
import {
  dashboardDataQuery,
  dashboardDataSchema,
  dashboardDefinitionSchema,
  dashboardListSchema,
  dashboardParams,
} from './schemas.js';

/** Where the JSON Schema of a dashboard file is served. */
export const DASHBOARD_SCHEMA_PATH = '/api/v1/dashboards/schema.json';

export interface DashboardRoutesOptions {
  readonly queries: DatasetQueries;
  /** The dashboards dir (config.dashboardsDir). */
  readonly dir: string;
  /** Reload when a file in the dir changes. */
  readonly watch?: boolean;
  /** A store made elsewhere (tests); else one is created over `dir`. */
  readonly store?: DashboardStore;
}

/** The engine's dataset queries as the dashboard executor needs them. */
export function dashboardQueries(queries: DatasetQueries): DashboardQueries {
  return {
    columns: async (dataset) => queries.describe(dataset).columns.map((column) => column.name),
    rows: (dataset, raw) => queries.rows(dataset, raw),
    aggregate: (dataset, raw) => queries.aggregate(dataset, raw),
    analysis: async (dataset, kind) =>
      (await queries.analysis(dataset, kind)) as
        ProfilesAnalysis | PcaAnalysis | CorrelationAnalysis,
  };
}

/** Changes when the definition or any dataset it reads changes. */
function dashboardVersion(definition: DashboardDefinition, queries: DatasetQueries): string {
  const hash = createHash('sha256').update(JSON.stringify(definition));
  for (const id of dashboardDatasets(definition)) {
    let version: string;
    try {
      version = queries.versionOf(id);
    } catch {
      version = 'unavailable';
    }
    hash.update(`\0${id}\0${version}`);
  }
  return hash.digest('base64url');
}

/**
 * The executor's queries as `identity` may run them: a panel, annotation or filter over a
 * dataset the viewer may not read fails with the 401/403 alone, the rest of the dashboard draws.
 */
function guardedQueries(
  inner: DashboardQueries,
  access: AccessControl,
  identity: Identity,
): DashboardQueries {
  const check = (dataset: string) => access.assert(identity, { kind: 'dataset', id: dataset });
  return {
    columns: async (dataset) => {
      check(dataset);
      return inner.columns(dataset);
    },
    rows: async (dataset, raw) => {
      check(dataset);
      return inner.rows(dataset, raw);
    },
    aggregate: async (dataset, raw) => {
      check(dataset);
      return inner.aggregate(dataset, raw);
    },
    analysis: async (dataset, kind) => {
      check(dataset);
      return inner.analysis(dataset, kind);
    },
  };
}

export async function dashboardRoutes(
  app: FastifyInstance,
  options: DashboardRoutesOptions,
): Promise<void> {
  const store =
    options.store ?? createDashboardStore({ dir: options.dir, logger: app.log as Logger });
  await store.load();
  if (options.watch) {
    const stop = store.watch();
    app.addHook('onClose', async () => stop());
  }
  const executor = dashboardQueries(options.queries);
  // Handlers return the shared TypeScript types; the schemas validate requests and document
  // the responses in /openapi.json without re-checking every response at runtime.
  type ById = { Params: { id: string } };

  app.get(
    DASHBOARD_LIST_PATH,
    {
      schema: {
        tags: ['dashboards'],
        summary: 'List the dashboards with their definitions; invalid files with their problems',
        response: { 200: dashboardListSchema },
      },
    },
    async (request): Promise<DashboardListResponse> => {
      const all = store.list();
      const allowed = new Set(
        request.server.access.readable(
          request.identity,
          'dashboard',
          all.map((entry) => entry.id),
        ),
      );
      return {
        dashboards: all.filter((entry) => allowed.has(entry.id)),
        schema: DASHBOARD_SCHEMA_PATH,
      };
    },
  );

  const jsonSchema = dashboardJsonSchema();
  app.get(
    DASHBOARD_SCHEMA_PATH,
    { schema: { tags: ['dashboards'], summary: 'JSON Schema of a dashboards/*.yaml file' } },
    async (_request, reply) =>
      reply
        .type('application/schema+json; charset=utf-8')
        .header('Cache-Control', 'no-cache')
        .send(JSON.stringify(jsonSchema)),
  );

  app.get<ById>(
    '/api/v1/dashboards/:id',
    {
      schema: {
        tags: ['dashboards'],
        summary: 'One dashboard definition, defaults filled in',
        params: dashboardParams,
        response: { 200: dashboardDefinitionSchema },
      },
    },
    async (request) => {
      authorize(request, { kind: 'dashboard', id: request.params.id });
      return store.get(request.params.id);
    },
  );

  app.get<ById>(
    '/api/v1/dashboards/:id/data',
    {
      schema: {
        tags: ['dashboards'],
        summary: "Every panel's data, annotations and filter options in one response",
        params: dashboardParams,
        querystring: dashboardDataQuery,
        response: { 200: dashboardDataSchema },
      },
    },
    async (request, reply) => {
      authorize(request, { kind: 'dashboard', id: request.params.id });
      const definition = store.get(request.params.id);
      const raw = request.query as RawQuery;
      const { access } = request.server;
      // Which of its datasets this viewer may read is part of the answer, so of its ETag: a
      // browser that signs in as someone else never revalidates into the other's panels.
      const readable = access
        .readable(request.identity, 'dataset', dashboardDatasets(definition))
        .join(',');
      const version = `${dashboardVersion(definition, options.queries)}\0${readable}`;
      const etag = etagFor('dashboard', version, raw);
      if (answerConditional(request, reply, etag, undefined)) return reply;
      return executeDashboard(definition, raw, {
        queries: access.enabled ? guardedQueries(executor, access, request.identity) : executor,
        onUnexpectedError: (error, context) =>
          request.log.error({ err: error, ...context }, 'dashboard panel failed'),
      });
    },
  );
}
