/**
 * The Dashport user an OpenID Connect sign-in makes: a name from the standard claims and the
 * groups from the configured claim (DASHPORT_OIDC_GROUPS_CLAIM). Providers shape groups in
 * different ways — an array (Okta, Azure AD, Authentik), a nested path such as Keycloak's
 * `realm_access.roles`, or one space- or comma-separated string — and all of them are read.
 */
import type { SessionUser } from '../session-claims.js';

/** Claims as the ID token or the userinfo endpoint returns them. */
export type Claims = Readonly<Record<string, unknown>>;

const GROUP_MAX_CHARS = 200;
const GROUPS_MAX = 200;

/** The value at `claim`: a top-level claim first (names may contain dots), then a dotted path. */
function claimValue(claims: Claims, claim: string): unknown {
  if (Object.hasOwn(claims, claim)) return claims[claim];
  let value: unknown = claims;
  for (const part of claim.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Whether the claims carry the groups claim at all (else the userinfo endpoint may). */
export function hasGroupsClaim(claims: Claims, claim: string): boolean {
  return claimValue(claims, claim) !== undefined;
}

/** The groups in `claim`: unique, trimmed, non-empty strings; none when absent or malformed. */
export function groupsFromClaims(claims: Claims, claim: string): string[] {
  const value = claimValue(claims, claim);
  const raw: unknown[] =
    typeof value === 'string' ? value.split(/[\s,]+/) : Array.isArray(value) ? value : [];
  const groups = new Set<string>();
  for (const item of raw) {
    if (typeof item !== 'string') continue;
    const group = item.trim();
    if (group === '' || group.length > GROUP_MAX_CHARS) continue;
    groups.add(group);
    if (groups.size >= GROUPS_MAX) break;
  }
  return [...groups];
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * The session user of a verified sign-in. The name is what people recognise in logs and in
 * the header (preferred_username, then email), falling back to the provider's stable `sub`.
 */
export function userFromClaims(claims: Claims, groupsClaim: string): SessionUser | undefined {
  const name =
    nonEmptyString(claims['preferred_username']) ??
    nonEmptyString(claims['email']) ??
    nonEmptyString(claims['sub']);
  if (name === undefined) return undefined;
  return { name, groups: groupsFromClaims(claims, groupsClaim), source: 'oidc' };
}
