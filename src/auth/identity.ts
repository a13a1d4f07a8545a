/**
 * Who is asking. Every request resolves to exactly one Identity before any data route runs;
 * the policy (`policy.ts`) decides from it alone, so the same rule holds on every endpoint.
 */

/** How the identity was established. */
export type IdentitySource = 'basic' | 'proxy' | 'oidc' | 'session' | 'key' | 'token' | 'embed';

export type KeyScope = 'read' | 'write';

export interface AnonymousIdentity {
  readonly kind: 'anonymous';
}

/** A person: a local user, a proxy-asserted user, or an OIDC user (directly or via a session). */
export interface UserIdentity {
  readonly kind: 'user';
  readonly name: string;
  readonly groups: readonly string[];
  readonly source: IdentitySource;
  /** Set when the identity came from a session cookie: writes then need a CSRF check. */
  readonly viaCookie: boolean;
  /** When its credential expires (ms since epoch), for a signed session; a stream ends then. */
  readonly expiresAt?: number;
}

/** An API key (or DASHPORT_API_TOKEN, a write key over every dataset). */
export interface KeyIdentity {
  readonly kind: 'key';
  /** The key's name (never the key itself). */
  readonly name: string;
  readonly scope: KeyScope;
  /** Datasets the key may read; undefined means every dataset. */
  readonly datasets: readonly string[] | undefined;
  readonly source: 'key' | 'token';
}

/** A signed embed link: one dashboard, with some filter values locked. */
export interface EmbedIdentity {
  readonly kind: 'embed';
  readonly dashboard: string;
  /** Filter values the viewer cannot change (`tool=Benchmarking`). */
  readonly filters: Readonly<Record<string, string>>;
  /** When the link expires (ms since epoch); a stream it opened ends then. */
  readonly expiresAt?: number;
}

/** When the credential behind `identity` stops being valid, if it says. */
export function credentialExpiry(identity: Identity): number | undefined {
  return identity.kind === 'user' || identity.kind === 'embed' ? identity.expiresAt : undefined;
}

export type Identity = AnonymousIdentity | UserIdentity | KeyIdentity | EmbedIdentity;

export const ANONYMOUS: AnonymousIdentity = Object.freeze({ kind: 'anonymous' });

/** A name safe to log: the user or key name, never a secret. */
export function identityLabel(identity: Identity): string {
  switch (identity.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'user':
      return `user:${identity.name}`;
    case 'key':
      return `key:${identity.name}`;
    case 'embed':
      return `embed:${identity.dashboard}`;
  }
}
