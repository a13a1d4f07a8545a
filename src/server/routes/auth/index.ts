/**
 * Sign-in for local users (`basic`): `POST /auth/login` takes a name and a password as JSON
 * or as an HTML form and sets the session cookie (HttpOnly, SameSite=Lax, Secure in
 * production); `POST /auth/logout` clears it; `GET /auth/me` says who the request is and
 * which sign-in methods are on (the web app's sign-in page reads it). Attempts are limited
 * per IP and per user before argon2 runs; each is counted and logged without the password.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { identityLabel } from '../../../auth/identity.js';
import type { AuthServices, SignInOutcome } from '../../../auth/auth-services.js';
import { SESSION_COOKIE, signSession } from '../../../auth/session-claims.js';
import type { AuthConfig } from '../../../config/auth-config.js';
import { BadParameterError, UnauthenticatedError } from '../../../errors.js';

export interface AuthRoutesOptions {
  readonly auth: AuthConfig;
  readonly services: AuthServices;
  readonly production: boolean;
  readonly onSignIn?: (outcome: SignInOutcome) => void;
}

/** The JSON answer of `/auth/me` and of a JSON sign-in. */
export interface MeResponse {
  readonly authenticated: boolean;
  readonly identity: {
    readonly kind: string;
    readonly name: string;
    readonly groups: readonly string[];
  } | null;
  readonly auth: { readonly enabled: boolean; readonly modes: readonly string[] };
}

const MAX_FIELD_CHARS = 1024;

function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  if (typeof value !== 'string' || value === '') {
    throw new BadParameterError(name, `${name} is required (a non-empty string)`);
  }
  if (value.length > MAX_FIELD_CHARS) {
    throw new BadParameterError(name, `${name} must be at most ${MAX_FIELD_CHARS} characters`);
  }
  return value;
}

/** Where a form sign-in goes next: a path on this server only, never another site. */
function nextPath(body: unknown): string {
  const value = (body as Record<string, unknown> | null | undefined)?.['next'];
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : '/';
}

export async function authRoutes(app: FastifyInstance, options: AuthRoutesOptions): Promise<void> {
  const { auth, services } = options;
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  const cookieOptions = {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: options.production,
    path: '/',
  };

  app.get('/auth/me', { schema: { hide: true } }, async (request): Promise<MeResponse> => {
    const { identity } = request;
    return {
      authenticated: identity.kind !== 'anonymous',
      identity:
        identity.kind === 'user'
          ? { kind: 'user', name: identity.name, groups: identity.groups }
          : identity.kind === 'anonymous'
            ? null
            : { kind: identity.kind, name: identityLabel(identity), groups: [] },
      auth: { enabled: auth.enabled, modes: auth.modes },
    };
  });

  app.post('/auth/logout', { schema: { hide: true } }, async (_request, reply: FastifyReply) =>
    reply.clearCookie(SESSION_COOKIE, cookieOptions).code(204).send(),
  );

  const { passwords, signer } = services;
  if (passwords === undefined || signer === undefined) return;

  app.post('/auth/login', { schema: { hide: true } }, async (request, reply) => {
    const form = (request.headers['content-type'] ?? '').startsWith(
      'application/x-www-form-urlencoded',
    );
    const name = field(request.body, 'name');
    const password = field(request.body, 'password');
    let outcome: SignInOutcome = 'failure';
    try {
      const user = await passwords.verify(name, password, 'session', async () => {
        try {
          await services.signInLimiter.attempt(request.ip, name);
        } catch (error) {
          outcome = 'limited';
          throw error;
        }
      });
      if (user === undefined) {
        // The same words for an unknown user and a wrong password: names are not probed.
        throw new UnauthenticatedError('wrong user name or password');
      }
      outcome = 'success';
      const token = await signSession(
        signer,
        { name: user.name, groups: user.groups, source: 'basic' },
        auth.sessionTtlSeconds,
      );
      reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: auth.sessionTtlSeconds });
      if (form) return reply.redirect(nextPath(request.body), 303);
      const me: MeResponse = {
        authenticated: true,
        identity: { kind: 'user', name: user.name, groups: user.groups },
        auth: { enabled: auth.enabled, modes: auth.modes },
      };
      return me;
    } finally {
      options.onSignIn?.(outcome);
      request.log.info(
        { event: 'sign_in', method: 'form', outcome, user: name },
        `sign-in ${outcome}`,
      );
    }
  });
}
