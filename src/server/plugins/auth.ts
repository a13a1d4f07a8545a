/**
 * Access control at the HTTP edge. Resolves `request.identity` once per request through the
 * ordered resolvers (src/auth/identity-resolver.ts), refuses cookie-authenticated writes from
 * another origin (CSRF), and decorates the app with the one AccessControl that routes ask
 * through `authorize(request, resource)`. Probes and /metrics skip resolution: they never
 * need a sign-in (SPEC §9). Registers @fastify/cookie for everything after it.
 */
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AccessControl } from '../../auth/access-control.js';
import { isSafeMethod, isSameOrigin } from '../../auth/csrf.js';
import { ANONYMOUS, type Identity } from '../../auth/identity.js';
import { type IdentityResolver, resolveIdentity } from '../../auth/identity-resolver.js';
import type { Action, Resource } from '../../auth/policy.js';
import { DashportError, UnauthenticatedError } from '../../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking; anonymous until the auth plugin's onRequest hook has run. */
    identity: Identity;
  }
  interface FastifyInstance {
    /** The one policy every route asks (src/auth/policy.ts). */
    access: AccessControl;
  }
}

export interface AuthPluginOptions {
  readonly access: AccessControl;
  /** In order; the first that recognises its credential decides. */
  readonly resolvers: readonly IdentityResolver[];
  /** Routes that never need an identity (probes, /metrics). */
  readonly skipRoutes: readonly string[];
  /** For the CSRF origin check. */
  readonly publicUrl: string | undefined;
}

async function auth(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  await app.register(fastifyCookie);
  const skip = new Set(options.skipRoutes);
  const resolvers = [...options.resolvers];
  app.decorate('access', options.access);
  // Fastify refuses object defaults on requests (they would be shared); set in the hook.
  app.decorateRequest('identity');

  const { enabled } = options.access;
  // A callback hook, not an async one: the probes and every request without a credential to
  // verify pass it without a promise.
  app.addHook('onRequest', (request, reply, done) => {
    request.identity = ANONYMOUS;
    if (skip.has(request.routeOptions.url ?? '')) {
      done();
      return;
    }
    // With access control on, an answer is for its viewer alone: no shared cache keeps it
    // (routes with their own caching, like fingerprinted assets, set theirs later).
    if (enabled) reply.header('cache-control', 'private, no-cache');
    const decide = (identity: Identity): void => {
      request.identity = identity;
      if (
        identity.kind === 'user' &&
        identity.viaCookie &&
        !isSafeMethod(request.method) &&
        !isSameOrigin(request.headers, options.publicUrl)
      ) {
        done(
          new DashportError(
            'DASHPORT_ERR_CSRF',
            'cross-site request refused: a write signed in by the session cookie must come from this server’s own pages (Origin header)',
          ),
        );
        return;
      }
      done();
    };
    const refuse = (error: unknown): void => {
      done(forClient(error, request) as Error);
    };
    let resolved: Identity | Promise<Identity>;
    try {
      resolved = resolveIdentity(resolvers, request);
    } catch (error) {
      refuse(error);
      return;
    }
    if (resolved instanceof Promise) resolved.then(decide, refuse);
    else decide(resolved);
  });
}

export default fp(auth, { name: 'dashport-auth', fastify: '5.x' });

/** Throws 401 (no identity) or 403 (the wrong one) unless the policy allows `action`. */
export function authorize(request: FastifyRequest, resource: Resource, action?: Action): void {
  try {
    request.server.access.assert(request.identity, resource, action);
  } catch (error) {
    throw forClient(error, request);
  }
}

/**
 * A browser shows its own password dialog for a Basic challenge, even on fetch(); the web app
 * has a sign-in page instead. Browsers mark every request with Sec-Fetch-Mode, API clients do
 * not, so only API clients are challenged.
 */
function forClient(error: unknown, request: FastifyRequest): unknown {
  if (
    error instanceof UnauthenticatedError &&
    error.headers !== undefined &&
    request.headers['sec-fetch-mode'] !== undefined
  ) {
    return new UnauthenticatedError(error.message);
  }
  return error;
}
