/**
 * Signed embed links at the HTTP edge (SPEC §9), for requests whose identity is an embed token
 * (resolved by the auth plugin, src/auth/embed-resolver.ts). Register right after the auth plugin:
 * - the `embed_token` query parameter is removed before any route reads the query (it is a
 *   credential, not a filter or a column);
 * - embed responses may be framed by DASHPORT_EMBED_ORIGINS (`frame-ancestors`, and no
 *   X-Frame-Options DENY, which would override it in older browsers); every other response keeps
 *   `frame-ancestors 'none'`;
 * - every request of an embed identity goes through the one policy for the resource its route
 *   names (its dashboard and the datasets its panels read; never a write);
 * - the locked filter values are forced onto dashboard data and onto the rows and aggregates of
 *   the dashboard's datasets; asking for another value of a locked filter is a 403 naming it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type LockResult, lockDatasetQuery, lockFilters } from '../../auth/embed-filters.js';
import { embedTokenOf } from '../../auth/embed-resolver.js';
import { EMBED_TOKEN_PARAM } from '../../auth/session-claims.js';
import type { EmbedIdentity } from '../../auth/identity.js';
import type { Action, Resource } from '../../auth/policy.js';
import {
  AGGREGATE_PARAMETERS,
  ROWS_PARAMETERS,
  type RawQuery,
} from '../../engine/sql/query-types.js';
import { ForbiddenError, UnauthenticatedError } from '../../errors.js';
import { embedContentSecurityPolicy } from './security-headers.js';

export interface EmbedPluginOptions {
  /** DASHPORT_EMBED_ORIGINS. */
  readonly origins: readonly string[];
  /** Column names of a dataset; undefined when it cannot be described (the route answers why). */
  readonly columnsOf: (dataset: string) => readonly string[] | undefined;
  /** DASHPORT_SESSION_SECRET is set, so the auth plugin resolves embed tokens. */
  readonly tokensVerified: boolean;
}

/** Routes whose `:id` names a dashboard or a dataset, and the locking each needs. */
const DASHBOARD_ROUTES = new Set(['/embed/:id', '/api/v1/dashboards/:id']);
const DASHBOARD_DATA_ROUTE = '/api/v1/dashboards/:id/data';
const DATASET_PREFIX = '/api/v1/datasets/:id';
const DATASET_LOCKED_ROUTES: Readonly<Record<string, readonly string[]>> = {
  '/api/v1/datasets/:id/rows': ROWS_PARAMETERS,
  '/api/v1/datasets/:id/aggregate': AGGREGATE_PARAMETERS,
};

function resourceOf(request: FastifyRequest): Resource | undefined {
  const route = request.routeOptions.url ?? '';
  const id = (request.params as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string') return undefined;
  if (DASHBOARD_ROUTES.has(route) || route === DASHBOARD_DATA_ROUTE) {
    return { kind: 'dashboard', id };
  }
  if (route === DATASET_PREFIX || route.startsWith(`${DATASET_PREFIX}/`)) {
    return { kind: 'dataset', id };
  }
  return undefined;
}

function refuse(result: Extract<LockResult, { ok: false }>, identity: EmbedIdentity): never {
  throw new ForbiddenError(
    `filter "${result.filter}" is locked to "${result.locked}" by the embed link of dashboard "${identity.dashboard}" and cannot be changed`,
  );
}

async function embed(app: FastifyInstance, options: EmbedPluginOptions): Promise<void> {
  const csp = embedContentSecurityPolicy(options.origins);

  app.addHook('onRequest', (request, reply, done) => {
    // Without a secret nothing checks the token: serving the page anyway would show locks that
    // the server does not apply.
    if (!options.tokensVerified && embedTokenOf(request) !== undefined) {
      done(
        new UnauthenticatedError(
          'embed links are off on this server: DASHPORT_SESSION_SECRET must be set to the value that signed the link',
        ),
      );
      return;
    }
    const query = request.query as Record<string, unknown> | undefined;
    if (query !== undefined && Object.hasOwn(query, EMBED_TOKEN_PARAM)) {
      delete query[EMBED_TOKEN_PARAM];
    }
    if (request.identity?.kind === 'embed') {
      reply.header('content-security-policy', csp);
      reply.removeHeader('x-frame-options');
    }
    done();
  });

  // A callback hook: every request that is not an embed's passes it without a promise.
  app.addHook('preHandler', (request, _reply, done) => {
    const identity = request.identity;
    if (identity?.kind !== 'embed') {
      done();
      return;
    }
    try {
      applyEmbed(request, identity);
      done();
    } catch (error) {
      done(error as Error);
    }
  });

  /** The policy check and the filter locks of an embed identity's request. */
  function applyEmbed(request: FastifyRequest, identity: EmbedIdentity): void {
    const action: Action = request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
    const resource = resourceOf(request);
    if (resource === undefined) {
      if (action === 'write') {
        throw new ForbiddenError(
          `embed:${identity.dashboard} may not ${request.method} ${request.url.split('?')[0] ?? ''}: an embed link only reads`,
        );
      }
      return;
    }
    request.server.access.assert(identity, resource, action);

    const route = request.routeOptions.url ?? '';
    const query = (request.query ?? {}) as RawQuery;
    if (route === DASHBOARD_DATA_ROUTE) {
      const result = lockFilters(query, identity.filters);
      if (!result.ok) refuse(result, identity);
      request.query = result.query;
    } else if (resource.kind === 'dataset' && Object.hasOwn(DATASET_LOCKED_ROUTES, route)) {
      const columns = options.columnsOf(resource.id);
      if (columns !== undefined) {
        const parameters = DATASET_LOCKED_ROUTES[route] ?? [];
        const result = lockDatasetQuery(query, identity.filters, columns, parameters);
        if (!result.ok) refuse(result, identity);
        request.query = result.query;
      }
    }
  }
}

export default fp(embed, {
  name: 'dashport-embed',
  fastify: '5.x',
  dependencies: ['dashport-auth'],
});
