/**
 * The resolvers of credentials that API clients and proxies send on every request:
 * `Authorization: Basic` (local users), `Authorization: Bearer` (API keys and
 * DASHPORT_API_TOKEN) and the identity headers of an authenticating proxy.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../errors.js';
import type { KeyIdentity, UserIdentity } from './identity.js';
import { type IdentityResolver, authorizationCredentials } from './identity-resolver.js';
import type { StoredKey } from './keys-file.js';
import type { PasswordVerifier } from './password-verifier.js';

/** HTTP Basic against the users file; a wrong password is a 401, never anonymous. */
export function createBasicResolver(
  verifier: PasswordVerifier,
  options: {
    readonly challenge: string;
    /** Counts a password check (sign-in rate limit; not cache hits); throws 429 when over. */
    readonly beforeVerify?: (name: string, request: { readonly ip: string }) => Promise<void>;
  },
): IdentityResolver {
  return {
    name: 'basic',
    carriedIn: { headers: ['authorization'] },
    async resolve(request) {
      const encoded = authorizationCredentials(request.headers, 'basic');
      if (encoded === undefined) return undefined;
      const decoded = Buffer.from(encoded, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new UnauthenticatedError(
          'malformed HTTP Basic credentials: expected base64 of "name:password"',
          options.challenge,
        );
      }
      const name = decoded.slice(0, colon);
      const before = options.beforeVerify;
      const user = await verifier.verify(
        name,
        decoded.slice(colon + 1),
        'basic',
        before === undefined ? undefined : () => before(name, request),
      );
      if (user === undefined) {
        throw new UnauthenticatedError('wrong user name or password', options.challenge);
      }
      return user;
    },
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

const API_TOKEN_IDENTITY: KeyIdentity = Object.freeze({
  kind: 'key',
  name: 'DASHPORT_API_TOKEN',
  scope: 'write',
  datasets: undefined,
  source: 'token',
});

/**
 * `Authorization: Bearer <key>`: DASHPORT_API_TOKEN (a write key over every dataset) or a key
 * of the keys file. The presented key's SHA-256 is compared with every stored hash in
 * constant time; an unknown key is a 401.
 */
export function createKeyResolver(options: {
  readonly apiToken: string | undefined;
  readonly keys: () => Promise<readonly StoredKey[]>;
}): IdentityResolver {
  const token =
    options.apiToken === undefined || options.apiToken === ''
      ? undefined
      : digest(options.apiToken);
  return {
    name: 'key',
    carriedIn: { headers: ['authorization'] },
    async resolve(request) {
      const presented = authorizationCredentials(request.headers, 'bearer');
      if (presented === undefined) return undefined;
      const given = digest(presented);
      let found: KeyIdentity | undefined;
      if (token !== undefined && timingSafeEqual(given, token)) found = API_TOKEN_IDENTITY;
      for (const key of await options.keys()) {
        if (timingSafeEqual(given, Buffer.from(key.hash, 'hex')) && found === undefined) {
          found = Object.freeze({
            kind: 'key',
            name: key.name,
            scope: key.scope,
            datasets: key.datasets,
            source: 'key',
          });
        }
      }
      if (found === undefined) {
        throw new UnauthenticatedError(
          'unknown bearer token: it is neither DASHPORT_API_TOKEN nor a key of DASHPORT_KEYS_FILE',
        );
      }
      return found;
    },
  };
}

/**
 * The identity an authenticating proxy asserts (oauth2-proxy's X-Forwarded-User, Cloudflare
 * Access…), honoured only when the TCP peer is a DASHPORT_TRUST_PROXY address; from anyone
 * else the headers are ignored.
 */
export function createProxyResolver(options: {
  readonly userHeader: string;
  readonly groupsHeader: string | undefined;
  readonly trusted: (address: string | undefined) => boolean;
}): IdentityResolver {
  return {
    name: 'proxy',
    carriedIn: { headers: [options.userHeader] },
    resolve(request) {
      const raw = request.headers[options.userHeader];
      const name = (Array.isArray(raw) ? raw[0] : raw)?.trim();
      if (name === undefined || name === '') return undefined;
      if (!options.trusted(request.socket.remoteAddress)) return undefined;
      const groupsRaw =
        options.groupsHeader === undefined ? undefined : request.headers[options.groupsHeader];
      const groups = (Array.isArray(groupsRaw) ? groupsRaw.join(',') : (groupsRaw ?? ''))
        .split(/[,\s]+/)
        .filter((group) => group !== '');
      const user: UserIdentity = Object.freeze({
        kind: 'user',
        name,
        groups: Object.freeze([...new Set(groups)]),
        source: 'proxy',
        // The browser's credential is the proxy's own cookie: ambient, so writes need the
        // same CSRF check as a session cookie.
        viaCookie: true,
      });
      return user;
    },
  };
}
