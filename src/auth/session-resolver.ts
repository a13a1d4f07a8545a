/**
 * The session cookie resolver: a signed, expiring token (session-claims.ts) set at sign-in by
 * local users (`/auth/login`) and OIDC alike. A forged, tampered or expired cookie proves
 * nothing: the request goes on as anonymous (and a public page still answers), so a stale
 * cookie never locks anyone out of what anyone may read.
 */
import type { IdentityResolver } from './identity-resolver.js';
import { SESSION_COOKIE, verifySession } from './session-claims.js';
import type { TokenSigner } from './signed-token.js';

export function createSessionResolver(signer: TokenSigner): IdentityResolver {
  return {
    name: 'session',
    async resolve(request) {
      const token = request.cookies[SESSION_COOKIE];
      if (token === undefined || token === '') return undefined;
      return verifySession(signer, token);
    },
  };
}
