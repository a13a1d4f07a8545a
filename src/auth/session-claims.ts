/**
 * What a session cookie and an embed token carry, shared by every way of signing in (local
 * users, OIDC) and by the resolver that reads them back. Only names and groups: never a
 * password, never a provider token.
 */
import type { EmbedIdentity, UserIdentity } from './identity.js';
import type { TokenSigner } from './signed-token.js';

/** The session cookie's name. HttpOnly, SameSite=Lax, Secure in production. */
export const SESSION_COOKIE = 'dashport_session';
/** Embed tokens travel in this header (API calls of an embedded page) or query parameter
 * (the page itself and EventSource, which cannot set headers). */
export const EMBED_TOKEN_HEADER = 'x-dashport-embed';
export const EMBED_TOKEN_PARAM = 'embed_token';

export interface SessionUser {
  readonly name: string;
  readonly groups: readonly string[];
  /** How the user signed in. */
  readonly source: 'basic' | 'oidc';
}

export async function signSession(
  signer: TokenSigner,
  user: SessionUser,
  ttlSeconds: number,
): Promise<string> {
  return signer.sign(
    'session',
    { sub: user.name, groups: [...user.groups], src: user.source },
    ttlSeconds,
  );
}

/** The user of a valid session token, else undefined (forged, tampered, expired). */
/** `expiresAt` from a verified token's `exp` (seconds), when it has one. */
function expiryOf(claims: Record<string, unknown>): { expiresAt?: number } {
  return typeof claims['exp'] === 'number' ? { expiresAt: claims['exp'] * 1000 } : {};
}

export async function verifySession(
  signer: TokenSigner,
  token: string,
): Promise<UserIdentity | undefined> {
  const claims = await signer.verify('session', token);
  if (claims === undefined) return undefined;
  const { sub, groups } = claims;
  if (typeof sub !== 'string' || sub === '') return undefined;
  if (!Array.isArray(groups) || !groups.every((group) => typeof group === 'string')) {
    return undefined;
  }
  return Object.freeze({
    kind: 'user',
    name: sub,
    groups: Object.freeze([...(groups as string[])]),
    source: 'session',
    viaCookie: true,
    ...expiryOf(claims),
  });
}

export async function signEmbed(
  signer: TokenSigner,
  dashboard: string,
  filters: Readonly<Record<string, string>>,
  ttlSeconds: number,
): Promise<string> {
  return signer.sign('embed', { dsh: dashboard, flt: { ...filters } }, ttlSeconds);
}

/** The embed identity of a valid embed token, else undefined. */
export async function verifyEmbed(
  signer: TokenSigner,
  token: string,
): Promise<EmbedIdentity | undefined> {
  const claims = await signer.verify('embed', token);
  if (claims === undefined) return undefined;
  const { dsh, flt } = claims;
  if (typeof dsh !== 'string' || dsh === '') return undefined;
  if (typeof flt !== 'object' || flt === null || Array.isArray(flt)) return undefined;
  const filters: Record<string, string> = {};
  for (const [key, value] of Object.entries(flt as Record<string, unknown>)) {
    if (typeof value !== 'string') return undefined;
    filters[key] = value;
  }
  return Object.freeze({
    kind: 'embed',
    dashboard: dsh,
    filters: Object.freeze(filters),
    ...expiryOf(claims),
  });
}
