import { describe, expect, it } from 'vitest';
import { groupsFromClaims, hasGroupsClaim, userFromClaims } from './oidc-user.js';

describe('groupsFromClaims', () => {
  it.each([
    ['an array', { groups: ['sales', 'ops'] }, 'groups', ['sales', 'ops']],
    ['a space-separated string', { groups: 'sales ops' }, 'groups', ['sales', 'ops']],
    ['a comma-separated string', { groups: 'sales, ops' }, 'groups', ['sales', 'ops']],
    ['duplicates and blanks', { groups: ['a', ' a ', '', 'b'] }, 'groups', ['a', 'b']],
    ['non-strings', { groups: ['a', 1, null, { x: 1 }] }, 'groups', ['a']],
    ['a nested path', { realm_access: { roles: ['admin'] } }, 'realm_access.roles', ['admin']],
    ['a dotted top-level name', { 'https://x.io/groups': ['g'] }, 'https://x.io/groups', ['g']],
    ['an absent claim', { sub: 'u' }, 'groups', []],
    ['a number', { groups: 3 }, 'groups', []],
    ['a path through an array', { a: [{ b: ['x'] }] }, 'a.b', []],
  ])('reads %s', (_label, claims, claim, expected) => {
    expect(groupsFromClaims(claims, claim)).toEqual(expected);
  });

  it('tells whether the claim is present', () => {
    expect(hasGroupsClaim({ groups: [] }, 'groups')).toBe(true);
    expect(hasGroupsClaim({ sub: 'u' }, 'groups')).toBe(false);
    expect(hasGroupsClaim({ a: { b: 'x' } }, 'a.b')).toBe(true);
  });
});

describe('userFromClaims', () => {
  it('prefers preferred_username, then email, then sub', () => {
    expect(userFromClaims({ sub: 's', email: 'e@x', preferred_username: 'p' }, 'groups')).toEqual({
      name: 'p',
      groups: [],
      source: 'oidc',
    });
    expect(userFromClaims({ sub: 's', email: 'e@x' }, 'groups')?.name).toBe('e@x');
    expect(userFromClaims({ sub: 's', preferred_username: ' ' }, 'groups')?.name).toBe('s');
  });

  it('carries the groups of the configured claim', () => {
    expect(userFromClaims({ sub: 's', roles: ['a'] }, 'roles')?.groups).toEqual(['a']);
  });

  it('makes no user without any name', () => {
    expect(userFromClaims({ groups: ['a'] }, 'groups')).toBeUndefined();
  });
});
