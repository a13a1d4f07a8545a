/**
 * OpenID Connect sign-in (SPEC §9): `GET /auth/oidc/login?next=/path` sends the browser to
 * the provider, `GET /auth/oidc/callback` comes back from it and sets the same session cookie
 * as a local sign-in, then returns to `next`. A sign-in that cannot complete answers 400
 * (state), 401 (refused) or 503 (provider down) — an HTML page for a browser, the JSON error
 * for anything else — and one log line, never with a code, a token or the client secret.
 */
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { safeNextPath } from '../../../auth/oidc/next-path.js';
import {
  OIDC_CALLBACK_PATH,
  OIDC_STATE_TTL_SECONDS,
  type OidcSignIn,
} from '../../../auth/oidc/oidc-sign-in.js';
import { SESSION_COOKIE, signSession } from '../../../auth/session-claims.js';
import type { TokenSigner } from '../../../auth/signed-token.js';
import { DashportError, OidcError } from '../../../errors.js';
import { sendError } from '../../plugins/error-handler.js';
import { signInErrorPage, wantsHtml } from './sign-in-error-page.js';

export const OIDC_LOGIN_PATH = '/auth/oidc/login';
/** Holds a started sign-in between the two legs; sent back only to the callback. */
export const OIDC_STATE_COOKIE = 'dashport_oidc';

export interface OidcRoutesOptions {
  readonly oidc: OidcSignIn;
  readonly signer: TokenSigner;
  readonly sessionTtlSeconds: number;
  /** Secure cookies (HTTPS only) in production. */
  readonly secureCookies: boolean;
  /** Counts each completed or failed sign-in (the sign-in metric). */
  readonly onSignIn?: (outcome: 'success' | 'failure') => void;
}

const query = z.object({ next: z.string().optional() }).passthrough();

export async function oidcRoutes(app: FastifyInstance, options: OidcRoutesOptions): Promise<void> {
  const { oidc, signer } = options;
  // The auth plugin registers the cookie parser for the whole app; on its own this module
  // brings its own.
  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);

  const stateCookie = {
    path: OIDC_CALLBACK_PATH,
    httpOnly: true,
    // Lax: the provider's redirect back is a top-level GET navigation, which Lax lets through.
    sameSite: 'lax',
    secure: options.secureCookies,
  } as const;

  const fail = (
    request: FastifyRequest,
    reply: FastifyReply,
    error: DashportError,
    retryHref: string,
  ): FastifyReply => {
    options.onSignIn?.('failure');
    request.log.warn(
      { event: 'sign_in', method: 'oidc', outcome: 'failure', code: error.code },
      `OIDC sign-in failed: ${error.message}`,
    );
    if (!wantsHtml(request.headers.accept)) return sendError(reply, error);
    if (error.retryAfterSeconds !== undefined) {
      reply.header('Retry-After', String(Math.ceil(error.retryAfterSeconds)));
    }
    return reply
      .code(error.status)
      .header('Cache-Control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(signInErrorPage(error, retryHref));
  };

  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    OIDC_LOGIN_PATH,
    { schema: { hide: true, querystring: query } },
    async (request, reply) => {
      const next = safeNextPath(request.query.next);
      const retryHref = `${OIDC_LOGIN_PATH}?${new URLSearchParams({ next }).toString()}`;
      try {
        const start = await oidc.begin(next);
        void reply.setCookie(OIDC_STATE_COOKIE, start.stateToken, {
          ...stateCookie,
          maxAge: OIDC_STATE_TTL_SECONDS,
        });
        return await reply.header('Cache-Control', 'no-store').redirect(start.url.href, 302);
      } catch (error) {
        if (error instanceof DashportError) return fail(request, reply, error, retryHref);
        throw error;
      }
    },
  );

  api.get(OIDC_CALLBACK_PATH, { schema: { hide: true } }, async (request, reply) => {
    const params = new URLSearchParams(request.url.split('?')[1] ?? '');
    // One attempt per started sign-in: the state cookie goes whatever the outcome.
    void reply.clearCookie(OIDC_STATE_COOKIE, stateCookie);
    try {
      const { user, next } = await oidc.finish(params, request.cookies[OIDC_STATE_COOKIE]);
      const session = await signSession(signer, user, options.sessionTtlSeconds);
      void reply.setCookie(SESSION_COOKIE, session, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: options.secureCookies,
        maxAge: options.sessionTtlSeconds,
      });
      options.onSignIn?.('success');
      request.log.info(
        {
          event: 'sign_in',
          method: 'oidc',
          outcome: 'success',
          user: user.name,
          groups: user.groups,
        },
        `OIDC sign-in of ${user.name}`,
      );
      return await reply.header('Cache-Control', 'no-store').redirect(next, 302);
    } catch (error) {
      const known =
        error instanceof DashportError
          ? error
          : new OidcError('DASHPORT_ERR_OIDC_REFUSED', 'the sign-in could not be completed', {
              cause: error,
            });
      return fail(request, reply, known, OIDC_LOGIN_PATH);
    }
  });
}
