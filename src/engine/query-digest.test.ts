import { describe, expect, it } from 'vitest';
import { normalizeQuery, queryDigest, versionTag } from './query-digest.js';

describe('normalizeQuery', () => {
  it('sorts keys, keeps repeated values in order and keeps empty values', () => {
    expect(normalizeQuery({ limit: '5', band: ['gt.1', 'lt.9'], select: 'a,b', offset: '' })).toBe(
      'band=gt.1&lt.9&limit=5&offset=&select=a%2Cb',
    );
    expect(normalizeQuery({ b: '1', a: '2' })).toBe(normalizeQuery({ a: '2', b: '1' }));
    expect(normalizeQuery({ a: undefined, b: '1' })).toBe('b=1');
  });

  it('keeps apart queries that differ only in what encoding would merge', () => {
    expect(normalizeQuery({ a: 'x&b=y' })).not.toBe(normalizeQuery({ a: 'x', b: 'y' }));
    expect(normalizeQuery({ a: ['1', '2'] })).not.toBe(normalizeQuery({ a: ['2', '1'] }));
  });
});

describe('queryDigest', () => {
  it('is the same for equal queries in any key order and differs for different ones', () => {
    expect(queryDigest({ x: 'tool', agg: 'count' })).toBe(queryDigest({ agg: 'count', x: 'tool' }));
    expect(queryDigest({ x: 'tool' })).not.toBe(queryDigest({ x: 'source' }));
    expect(queryDigest({ x: 'tool' })).toMatch(/^[\w-]{22}$/);
  });

  it('remembers the digest of one query object', () => {
    const raw = { x: 'tool' };
    expect(queryDigest(raw)).toBe(queryDigest(raw));
  });
});

describe('versionTag', () => {
  it('changes with the kind and with the version', () => {
    const tag = versionTag('aggregate', 'v1');
    expect(versionTag('aggregate', 'v1')).toBe(tag);
    expect(versionTag('rows', 'v1')).not.toBe(tag);
    expect(versionTag('aggregate', 'v2')).not.toBe(tag);
    expect(tag).toMatch(/^[\w-]{12}$/);
  });
});
