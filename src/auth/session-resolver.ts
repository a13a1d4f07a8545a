/**
 * The session cookie resolver: a signed, expiring token (session-claims.ts) set at sign-in by
 * local users (`/auth/login`) and OIDC alike. A forged, tampered or expired cookie proves
 * nothing: the request goes on as anonymous (and a public page still answers), so a stale
 * cookie never locks anyone out of what anyone may read.
 *
 * A browser sends the same cookie with every request; verifying the HMAC and parsing the
 * claims each time cost a third of a cached aggregate's throughput (bench/auth). A verified
 * token is remembered, by its exact text, until it expires: the same text verifies the same
 * way, and its own `exp` still ends it.
 */
import type { UserIdentity } from './identity.js';
import type { IdentityResolver } from './identity-resolver.js';
import { SESSION_COOKIE, verifySession } from './session-claims.js';
import type { TokenSigner } from './signed-token.js';

/** Verified tokens remembered per process; the oldest are forgotten first. */
export const VERIFIED_SESSIONS_MAX = 10_000;

export function createSessionResolver(
  signer: TokenSigner,
  now: () => number = Date.now,
): IdentityResolver {
  const verified = new Map<string, { identity: UserIdentity; expiresMs: number }>();
  return {
    name: 'session',
    carriedIn: { cookies: [SESSION_COOKIE] },
    async resolve(request) {
      const token = request.cookies[SESSION_COOKIE];
      if (token === undefined || token === '') return undefined;
      const cached = verified.get(token);
      if (cached !== undefined) {
        if (cached.expiresMs > now()) return cached.identity;
        verified.delete(token);
        return undefined;
      }
      const identity = await verifySession(signer, token);
      if (identity === undefined) return undefined;
      const expiresMs = identity.expiresAt;
      if (expiresMs !== undefined) {
        if (verified.size >= VERIFIED_SESSIONS_MAX) {
          const oldest = verified.keys().next().value;
          if (oldest !== undefined) verified.delete(oldest);
        }
        verified.set(token, { identity, expiresMs });
      }
      return identity;
    },
  };
}
