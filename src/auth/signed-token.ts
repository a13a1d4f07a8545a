/**
 * Signed, expiring tokens for session cookies and embed links: compact JWS (HS256) made and
 * checked with jose, keyed by DASHPORT_SESSION_SECRET. Stateless, so every worker and every
 * replica with the same secret accepts them without sticky sessions. The `purpose` claim
 * keeps a session token from being replayed as an embed token and the other way round.
 */
import { SignJWT, jwtVerify } from 'jose';

export type TokenPurpose = 'session' | 'embed' | 'oidc-state';

export interface TokenSigner {
  /** Sign `claims` for `purpose`, valid for `ttlSeconds` from now. */
  sign(purpose: TokenPurpose, claims: Record<string, unknown>, ttlSeconds: number): Promise<string>;
  /** The claims of a valid, unexpired token of `purpose`; undefined for anything else. */
  verify(purpose: TokenPurpose, token: string): Promise<Record<string, unknown> | undefined>;
}

const ISSUER = 'dashport';
const ALGORITHM = 'HS256';

export function createTokenSigner(secret: string, now: () => number = Date.now): TokenSigner {
  const key = new TextEncoder().encode(secret);
  return {
    async sign(purpose, claims, ttlSeconds) {
      const issuedAt = Math.floor(now() / 1000);
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: ALGORITHM })
        .setIssuer(ISSUER)
        .setAudience(purpose)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        .sign(key);
    },
    async verify(purpose, token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          audience: purpose,
          algorithms: [ALGORITHM],
          currentDate: new Date(now()),
        });
        return payload as Record<string, unknown>;
      } catch {
        // Forged, tampered, expired or of another purpose: all the same to the caller.
        return undefined;
      }
    },
  };
}
