/**
 * The one access policy (SPEC §9). Every endpoint, list and format asks `decide` and nothing
 * else, so a dataset hidden from the dataset list is also refused by its rows, its exports,
 * its events and every dashboard panel over it. Pure: the rules come in as lookups.
 */
import type { Identity } from './identity.js';

/** `public: true`, or `access: { groups: [...] }` on a dataset or a dashboard. */
export interface AccessRule {
  readonly public?: boolean;
  readonly groups?: readonly string[];
}

export type ResourceKind = 'dataset' | 'dashboard';

export interface Resource {
  readonly kind: ResourceKind;
  readonly id: string;
}

export type Action = 'read' | 'write';

export type DefaultAccess = 'authenticated' | 'public';

/** Where the rules live: dashport.yaml (datasets) and the dashboard YAML files. */
export interface AccessRules {
  dataset(id: string): AccessRule | undefined;
  dashboard(id: string): AccessRule | undefined;
  /** The datasets a dashboard's panels and annotations read (what an embed link may read). */
  dashboardDatasets(id: string): readonly string[];
}

export interface PolicySettings {
  /** False with DASHPORT_AUTH=none: everything is readable, writes still need a write key. */
  readonly enabled: boolean;
  readonly defaultAccess: DefaultAccess;
  readonly rules: AccessRules;
}

export type DenyReason = 'unauthenticated' | 'forbidden';

export type Decision =
  { readonly allow: true } | { readonly allow: false; readonly deny: DenyReason };

const ALLOW: Decision = Object.freeze({ allow: true });
const UNAUTHENTICATED: Decision = Object.freeze({ allow: false, deny: 'unauthenticated' });
const FORBIDDEN: Decision = Object.freeze({ allow: false, deny: 'forbidden' });

function ruleOf(rules: AccessRules, resource: Resource): AccessRule | undefined {
  return resource.kind === 'dataset' ? rules.dataset(resource.id) : rules.dashboard(resource.id);
}

function inGroups(rule: AccessRule, groups: readonly string[]): boolean {
  return (rule.groups ?? []).some((group) => groups.includes(group));
}

/**
 * Writes: only a write-scoped key (DASHPORT_API_TOKEN is one) or a signed-in user the rule
 * admits. `public: true` and a public default open reading, never writing; embed links never
 * write.
 */
function decideWrite(identity: Identity, resource: Resource, settings: PolicySettings): Decision {
  switch (identity.kind) {
    case 'anonymous':
      return UNAUTHENTICATED;
    case 'embed':
      return FORBIDDEN;
    case 'key':
      if (identity.scope !== 'write') return FORBIDDEN;
      if (resource.kind === 'dataset' && identity.datasets !== undefined) {
        return identity.datasets.includes(resource.id) ? ALLOW : FORBIDDEN;
      }
      return ALLOW;
    case 'user': {
      if (!settings.enabled) return FORBIDDEN;
      const rule = ruleOf(settings.rules, resource);
      if (rule?.groups !== undefined && rule.public !== true) {
        return inGroups(rule, identity.groups) ? ALLOW : FORBIDDEN;
      }
      return ALLOW;
    }
  }
}

function decideRead(identity: Identity, resource: Resource, settings: PolicySettings): Decision {
  // Auth off: every dataset and dashboard is public (the start warns about it in production).
  if (!settings.enabled) return ALLOW;
  const rule = ruleOf(settings.rules, resource);
  // Public means anyone: a narrower credential (a key's list, an embed link) could be dropped
  // to read it anonymously anyway.
  if (rule?.public === true) return ALLOW;
  const restricted = rule?.groups !== undefined;
  switch (identity.kind) {
    case 'anonymous':
      return !restricted && settings.defaultAccess === 'public' ? ALLOW : UNAUTHENTICATED;
    case 'user':
      return !restricted || inGroups(rule, identity.groups) ? ALLOW : FORBIDDEN;
    case 'key':
      // A key is made by whoever runs the server; its dataset list is its whole scope.
      if (identity.datasets === undefined || resource.kind === 'dashboard') return ALLOW;
      return identity.datasets.includes(resource.id) ? ALLOW : FORBIDDEN;
    case 'embed':
      if (resource.kind === 'dashboard') {
        return resource.id === identity.dashboard ? ALLOW : FORBIDDEN;
      }
      return settings.rules.dashboardDatasets(identity.dashboard).includes(resource.id)
        ? ALLOW
        : FORBIDDEN;
  }
}

/** May `identity` do `action` on `resource`? 'unauthenticated' → 401, 'forbidden' → 403. */
export function decide(
  identity: Identity,
  resource: Resource,
  action: Action,
  settings: PolicySettings,
): Decision {
  return action === 'write'
    ? decideWrite(identity, resource, settings)
    : decideRead(identity, resource, settings);
}

/** The ids of `kind` that `identity` may read, in their order (lists leave the rest out). */
export function readable(
  identity: Identity,
  kind: ResourceKind,
  ids: readonly string[],
  settings: PolicySettings,
): string[] {
  return ids.filter((id) => decide(identity, { kind, id }, 'read', settings).allow);
}
