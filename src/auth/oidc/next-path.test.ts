import { describe, expect, it } from 'vitest';
import { BadParameterError } from '../../errors.js';
import { DEFAULT_NEXT_PATH, safeNextPath } from './next-path.js';

describe('safeNextPath', () => {
  it.each([
    [undefined, DEFAULT_NEXT_PATH],
    ['', DEFAULT_NEXT_PATH],
    ['/', '/'],
    ['/dashboards/sales', '/dashboards/sales'],
    ['/dashboards/sales?tool=a&tool=b#panel', '/dashboards/sales?tool=a&tool=b#panel'],
    ['/datasets/x/../y', '/datasets/y'],
  ])('accepts %j as %j', (raw, expected) => {
    expect(safeNextPath(raw)).toBe(expected);
  });

  it.each([
    'https://evil.example/',
    'http:/evil.example',
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    'javascript:alert(1)',
    'dashboards/sales',
    `/${'a'.repeat(2001)}`,
  ])('refuses %j, naming the parameter', (raw) => {
    let caught: unknown;
    try {
      safeNextPath(raw);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BadParameterError);
    expect((caught as BadParameterError).parameter).toBe('next');
    expect((caught as BadParameterError).status).toBe(400);
  });
});
