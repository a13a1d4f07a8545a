import { describe, expect, it } from 'vitest';
import { signInHref, signInNextPath } from './next-path.js';

describe('signInNextPath', () => {
  it.each([
    ['', '/'],
    ['?next=%2Fdashboards%2Fsales%3Ftool%3Da', '/dashboards/sales?tool=a'],
    ['?next=https%3A%2F%2Fevil.example', '/'],
    ['?next=%2F%2Fevil.example', '/'],
    ['?next=%2F%5Cevil.example', '/'],
    ['?next=%2F%09%2Fevil.example', '/'],
  ])('reads %j as %j', (search, expected) => {
    expect(signInNextPath(search)).toBe(expected);
  });

  it('round-trips through signInHref', () => {
    const href = signInHref('/dashboards/a b?x=1&y=2');
    expect(signInNextPath(href.slice(href.indexOf('?')))).toBe('/dashboards/a b?x=1&y=2');
  });
});
