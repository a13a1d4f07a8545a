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

/** Where a request carries a resolver's credential: header names (lower case), cookies, query parameters. */
export interface CredentialPlaces {
  readonly headers?: readonly string[];
  readonly cookies?: readonly string[];
  readonly query?: readonly string[];
}

export interface IdentityResolver {
  /** For logs and metrics: `session`, `basic`, `key`, `proxy`, `embed`… */
  readonly name: string;
  /**
   * Every place its credential can be. A request with none of them is not this resolver's to
   * recognise, so a request with none of any resolver's is anonymous without resolving it:
   * the answer lane in front of the router (src/server/lanes/answer-lane.ts) relies on this.
   */
  readonly carriedIn: CredentialPlaces;
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

/** The raw request parts `carriesCredential` looks at: the query as the router parses it. */
export interface CredentialCarrier {
  readonly headers: IncomingHttpHeaders;
  readonly query: Readonly<Record<string, unknown>>;
}

/**
 * Whether any resolver's credential is on the request (or might be: a cookie header is only
 * searched for the cookie's name). False means `resolveIdentity` would find it anonymous.
 */
export function carriesCredential(
  resolvers: readonly IdentityResolver[],
  request: CredentialCarrier,
): boolean {
  for (const { carriedIn } of resolvers) {
    for (const header of carriedIn.headers ?? []) {
      if (request.headers[header] !== undefined) return true;
    }
    const cookie = request.headers.cookie;
    if (cookie !== undefined && carriedIn.cookies?.some((name) => cookie.includes(name))) {
      return true;
    }
    for (const param of carriedIn.query ?? []) {
      if (request.query[param] !== undefined) return true;
    }
  }
  return false;
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
