/**
 * The policy turned into answers for the HTTP layer: `assert` throws the 401/403 a route
 * returns, `readable` filters lists. One instance per app, built from the config and the
 * rule lookups, so every route asks the same question of the same rules.
 */
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import { type Identity, identityLabel } from './identity.js';
import {
  type Action,
  type Decision,
  type PolicySettings,
  type Resource,
  type ResourceKind,
  decide,
  readable,
} from './policy.js';

export interface AccessControl {
  readonly enabled: boolean;
  decide(identity: Identity, resource: Resource, action?: Action): Decision;
  /** Throws UnauthenticatedError (401) or ForbiddenError (403) when the policy denies. */
  assert(identity: Identity, resource: Resource, action?: Action): void;
  readable(identity: Identity, kind: ResourceKind, ids: readonly string[]): string[];
}

export interface AccessControlOptions extends PolicySettings {
  /** `WWW-Authenticate` of a 401 (`Basic realm="dashport"` when HTTP Basic is on). */
  readonly challenge?: string | undefined;
}

export const BASIC_CHALLENGE = 'Basic realm="dashport", charset="UTF-8"';

export function createAccessControl(options: AccessControlOptions): AccessControl {
  const settings: PolicySettings = {
    enabled: options.enabled,
    defaultAccess: options.defaultAccess,
    rules: options.rules,
  };
  return {
    enabled: options.enabled,
    decide: (identity, resource, action = 'read') => decide(identity, resource, action, settings),
    assert(identity, resource, action = 'read') {
      const decision = decide(identity, resource, action, settings);
      if (decision.allow) return;
      const what = `${action} ${resource.kind} "${resource.id}"`;
      if (decision.deny === 'unauthenticated') {
        throw new UnauthenticatedError(
          `sign in to ${what}: send a session cookie, HTTP Basic credentials or "Authorization: Bearer <key>"`,
          options.challenge,
        );
      }
      throw new ForbiddenError(`${identityLabel(identity)} may not ${what}`);
    },
    readable: (identity, kind, ids) => readable(identity, kind, ids, settings),
  };
}
