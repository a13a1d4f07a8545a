/**
 * The embed-token resolver: a signed embed link (`dashport embed`) proves an EmbedIdentity —
 * one dashboard, some filter values locked. The token comes in the `x-dashport-embed` header
 * (the embed page's fetches) or the `embed_token` query parameter (the page itself, EventSource
 * and download links, which cannot set headers). Unlike a stale session cookie, a bad embed
 * token is refused (401): the link is the page's only credential, and answering it as
 * anonymous would show a framed page that silently lost its locks.
 */
import { UnauthenticatedError } from '../errors.js';
import type { EmbedIdentity } from './identity.js';
import type { CredentialRequest, IdentityResolver } from './identity-resolver.js';
import { EMBED_TOKEN_HEADER, EMBED_TOKEN_PARAM, verifyEmbed } from './session-claims.js';
import type { TokenSigner } from './signed-token.js';

/** The embed token a request carries (header first), or undefined. */
export function embedTokenOf(
  request: Pick<CredentialRequest, 'headers' | 'query'>,
): string | undefined {
  const header = request.headers[EMBED_TOKEN_HEADER];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader !== undefined && fromHeader !== '') return fromHeader;
  const query = request.query;
  if (typeof query !== 'object' || query === null) return undefined;
  const param = (query as Record<string, unknown>)[EMBED_TOKEN_PARAM];
  const fromQuery = Array.isArray(param) ? (param[0] as unknown) : param;
  return typeof fromQuery === 'string' && fromQuery !== '' ? fromQuery : undefined;
}

/** Verified tokens kept, at most: an embedded page makes many calls with one token. */
export const EMBED_CACHE_ENTRIES = 1000;

export function createEmbedResolver(
  signer: TokenSigner,
  now: () => number = Date.now,
): IdentityResolver {
  // Checking the HMAC through jose costs far more than the rest of a cached aggregate answer;
  // a valid token gives the same identity until it expires, so it is checked once.
  const verified = new Map<string, { identity: EmbedIdentity; expiresAt: number }>();
  return {
    name: 'embed',
    carriedIn: { headers: [EMBED_TOKEN_HEADER], query: [EMBED_TOKEN_PARAM] },
    async resolve(request) {
      const token = embedTokenOf(request);
      if (token === undefined) return undefined;
      const known = verified.get(token);
      if (known !== undefined) {
        if (known.expiresAt > now()) return known.identity;
        verified.delete(token);
      }
      const identity = await verifyEmbed(signer, token);
      if (identity === undefined) {
        // Never the token itself: it is a credential.
        throw new UnauthenticatedError(
          'the embed token is invalid or has expired: ask for a new link (`dashport embed DASHBOARD`)',
        );
      }
      if (verified.size >= EMBED_CACHE_ENTRIES) {
        const oldest = verified.keys().next();
        if (oldest.done !== true) verified.delete(oldest.value);
      }
      // A token without `exp` is checked every time: 0 is never in the future.
      verified.set(token, { identity, expiresAt: identity.expiresAt ?? 0 });
      return identity;
    },
  };
}
