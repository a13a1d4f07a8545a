import { describe, expect, it } from 'vitest';
import { ANONYMOUS, type Identity } from './identity.js';
import {
  type AccessRule,
  type Action,
  type DefaultAccess,
  type Resource,
  decide,
  readable,
} from './policy.js';

const DATASET_RULES: Record<string, AccessRule> = {
  open: { public: true },
  finance: { groups: ['finance'] },
  ops: { groups: ['ops', 'sre'] },
};
const DASHBOARD_RULES: Record<string, AccessRule> = {
  money: { groups: ['finance'] },
  status: { public: true },
};
const DASHBOARD_DATASETS: Record<string, readonly string[]> = {
  money: ['finance', 'plain'],
  status: ['open'],
};

const rules = {
  dataset: (id: string) => DATASET_RULES[id],
  dashboard: (id: string) => DASHBOARD_RULES[id],
  dashboardDatasets: (id: string) => DASHBOARD_DATASETS[id] ?? [],
};

function user(...groups: string[]): Identity {
  return { kind: 'user', name: 'ada', groups, source: 'session', viaCookie: true };
}
function key(scope: 'read' | 'write', datasets?: string[]): Identity {
  return { kind: 'key', name: 'ci', scope, datasets, source: 'key' };
}
const embed: Identity = { kind: 'embed', dashboard: 'money', filters: { tool: 'x' } };

const dataset = (id: string): Resource => ({ kind: 'dataset', id });
const dashboard = (id: string): Resource => ({ kind: 'dashboard', id });

type Outcome = 'allow' | 'unauthenticated' | 'forbidden';
type Row = [
  label: string,
  identity: Identity,
  resource: Resource,
  action: Action,
  defaultAccess: DefaultAccess,
  expected: Outcome,
];

const TABLE: Row[] = [
  // anonymous
  ['anon reads a public dataset', ANONYMOUS, dataset('open'), 'read', 'authenticated', 'allow'],
  [
    'anon reads a ruleless dataset, default authenticated',
    ANONYMOUS,
    dataset('plain'),
    'read',
    'authenticated',
    'unauthenticated',
  ],
  [
    'anon reads a ruleless dataset, default public',
    ANONYMOUS,
    dataset('plain'),
    'read',
    'public',
    'allow',
  ],
  [
    'anon reads a group dataset, default public',
    ANONYMOUS,
    dataset('finance'),
    'read',
    'public',
    'unauthenticated',
  ],
  [
    'anon reads a group dashboard',
    ANONYMOUS,
    dashboard('money'),
    'read',
    'public',
    'unauthenticated',
  ],
  [
    'anon reads a public dashboard',
    ANONYMOUS,
    dashboard('status'),
    'read',
    'authenticated',
    'allow',
  ],
  [
    'anon writes a public dataset',
    ANONYMOUS,
    dataset('open'),
    'write',
    'public',
    'unauthenticated',
  ],
  // users
  [
    'user of the group reads',
    user('finance'),
    dataset('finance'),
    'read',
    'authenticated',
    'allow',
  ],
  ['user of another group', user('ops'), dataset('finance'), 'read', 'authenticated', 'forbidden'],
  ['user of one of two groups', user('sre'), dataset('ops'), 'read', 'authenticated', 'allow'],
  [
    'user without groups, ruleless dataset',
    user(),
    dataset('plain'),
    'read',
    'authenticated',
    'allow',
  ],
  ['user without groups, group dataset', user(), dataset('ops'), 'read', 'public', 'forbidden'],
  [
    'user reads the group dashboard',
    user('finance'),
    dashboard('money'),
    'read',
    'authenticated',
    'allow',
  ],
  [
    'user of the wrong group, dashboard',
    user('ops'),
    dashboard('money'),
    'read',
    'authenticated',
    'forbidden',
  ],
  [
    'user writes a group dataset of theirs',
    user('finance'),
    dataset('finance'),
    'write',
    'authenticated',
    'allow',
  ],
  [
    'user writes a group dataset not theirs',
    user('ops'),
    dataset('finance'),
    'write',
    'authenticated',
    'forbidden',
  ],
  ['user writes a ruleless dataset', user(), dataset('plain'), 'write', 'authenticated', 'allow'],
  // keys
  [
    'read key, no list, group dataset',
    key('read'),
    dataset('finance'),
    'read',
    'authenticated',
    'allow',
  ],
  [
    'read key with the dataset listed',
    key('read', ['finance']),
    dataset('finance'),
    'read',
    'authenticated',
    'allow',
  ],
  [
    'read key, dataset not listed',
    key('read', ['finance']),
    dataset('ops'),
    'read',
    'authenticated',
    'forbidden',
  ],
  [
    'read key, unlisted public dataset',
    key('read', ['finance']),
    dataset('open'),
    'read',
    'authenticated',
    'allow',
  ],
  [
    'read key reads a dashboard',
    key('read', ['finance']),
    dashboard('money'),
    'read',
    'authenticated',
    'allow',
  ],
  ['read key writes', key('read'), dataset('plain'), 'write', 'authenticated', 'forbidden'],
  ['write key writes', key('write'), dataset('finance'), 'write', 'authenticated', 'allow'],
  [
    'write key, dataset not listed',
    key('write', ['plain']),
    dataset('finance'),
    'write',
    'authenticated',
    'forbidden',
  ],
  [
    'write key, dataset listed',
    key('write', ['plain']),
    dataset('plain'),
    'write',
    'authenticated',
    'allow',
  ],
  // embed links
  ['embed reads its dashboard', embed, dashboard('money'), 'read', 'authenticated', 'allow'],
  [
    'embed reads another dashboard',
    embed,
    dashboard('other'),
    'read',
    'authenticated',
    'forbidden',
  ],
  [
    'embed reads a dataset of its panels',
    embed,
    dataset('finance'),
    'read',
    'authenticated',
    'allow',
  ],
  [
    'embed reads a ruleless dataset of its panels',
    embed,
    dataset('plain'),
    'read',
    'authenticated',
    'allow',
  ],
  [
    'embed reads a dataset outside its panels',
    embed,
    dataset('ops'),
    'read',
    'authenticated',
    'forbidden',
  ],
  ['embed reads a public dataset', embed, dataset('open'), 'read', 'authenticated', 'allow'],
  ['embed writes', embed, dataset('finance'), 'write', 'authenticated', 'forbidden'],
];

function outcome(
  identity: Identity,
  resource: Resource,
  action: Action,
  defaultAccess: DefaultAccess,
  enabled = true,
): Outcome {
  const decision = decide(identity, resource, action, { enabled, defaultAccess, rules });
  return decision.allow ? 'allow' : decision.deny;
}

describe('decide (auth on)', () => {
  it.each(TABLE)('%s', (_label, identity, resource, action, defaultAccess, expected) => {
    expect(outcome(identity, resource, action, defaultAccess)).toBe(expected);
  });
});

describe('decide (auth off)', () => {
  const OFF: [string, Identity, Resource, Action, Outcome][] = [
    ['anon reads a group dataset', ANONYMOUS, dataset('finance'), 'read', 'allow'],
    ['anon reads a group dashboard', ANONYMOUS, dashboard('money'), 'read', 'allow'],
    ['anon writes', ANONYMOUS, dataset('plain'), 'write', 'unauthenticated'],
    ['the write token writes', key('write'), dataset('plain'), 'write', 'allow'],
    ['a read key cannot write', key('read'), dataset('plain'), 'write', 'forbidden'],
  ];
  it.each(OFF)('%s', (_label, identity, resource, action, expected) => {
    expect(outcome(identity, resource, action, 'public', false)).toBe(expected);
  });
});

describe('readable', () => {
  it('keeps the readable ids in order', () => {
    const settings = { enabled: true, defaultAccess: 'authenticated' as const, rules };
    const ids = ['plain', 'finance', 'open', 'ops'];
    expect(readable(ANONYMOUS, 'dataset', ids, settings)).toEqual(['open']);
    expect(readable(user('ops'), 'dataset', ids, settings)).toEqual(['plain', 'open', 'ops']);
    expect(readable(embed, 'dataset', ids, settings)).toEqual(['plain', 'finance', 'open']);
  });
});
