/**
 * How a request becomes an Identity: an ordered list of resolvers, each of which recognises
 * one kind of credential (a session cookie, `Authorization: Basic`, a Bearer key, a proxy
 * header, an embed token). The first resolver that recognises its credential decides; a
 * request that none recognises is anonymous. Sign-in methods add theirs to the list (OIDC
 * sessions share the session cookie; embed links add an embed-token resolver).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ANONYMOUS, type Identity } from './identity.js';

/** What a resolver may look at: the parts of a Fastify request that carry credentials. */
export interface CredentialRequest {
  readonly headers: IncomingHttpHeaders;
  /** Parsed by @fastify/cookie. */
  readonly cookies: { readonly [name: string]: string | undefined };
  readonly query: unknown;
  /** The client address (X-Forwarded-For honoured per DASHPORT_TRUST_PROXY), for rate limits. */
  readonly ip: string;
  /** The TCP peer (never X-Forwarded-For): what DASHPORT_TRUST_PROXY is checked against. */
  readonly socket: { readonly remoteAddress?: string | undefined };
}

export interface IdentityResolver {
  /** For logs and metrics: `session`, `basic`, `key`, `proxy`, `embed`… */
  readonly name: string;
  /**
   * The identity this credential proves; undefined when the request carries no credential of
   * this kind (the next resolver tries). A credential of this kind that does not check out
   * (wrong password, unknown key) throws UnauthenticatedError: it is never quietly anonymous.
   */
  resolve(request: CredentialRequest): Identity | undefined | Promise<Identity | undefined>;
}

/**
 * Run the resolvers in order; the first identity wins, none is anonymous. Synchronous while the
 * resolvers are (no credential, a bearer key, a proxy header): most requests carry nothing to
 * check, and each await would cost them a turn of the event loop's microtask queue. A resolver
 * that throws synchronously throws here.
 */
export function resolveIdentity(
  resolvers: readonly IdentityResolver[],
  request: CredentialRequest,
  from = 0,
): Identity | Promise<Identity> {
  for (let index = from; index < resolvers.length; index += 1) {
    const result = resolvers[index]?.resolve(request);
    if (result instanceof Promise) {
      return result.then((identity) => identity ?? resolveIdentity(resolvers, request, index + 1));
    }
    if (result !== undefined) return result;
  }
  return ANONYMOUS;
}

/** The credentials of `Authorization: <scheme> <value>`, scheme case-insensitive. */
export function authorizationCredentials(
  headers: IncomingHttpHeaders,
  scheme: 'basic' | 'bearer',
): string | undefined {
  const header = headers.authorization;
  if (header === undefined) return undefined;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== scheme) return undefined;
  const value = header.slice(space + 1).trim();
  return value === '' ? undefined : value;
}
