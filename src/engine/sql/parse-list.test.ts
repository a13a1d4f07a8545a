import { describe, expect, it } from 'vitest';
import { BadParameterError } from '../../errors.js';
import { readQuoted, splitList, unquoteItem } from './parse-list.js';

describe('splitList', () => {
  it('splits at commas outside quotes', () => {
    expect(splitList('p', 'a,b,c')).toEqual(['a', 'b', 'c']);
    expect(splitList('p', 'a,"b,c",d')).toEqual(['a', '"b,c"', 'd']);
    expect(splitList('p', '"a\\",b",c')).toEqual(['"a\\",b"', 'c']);
    expect(splitList('p', '')).toEqual(['']);
    expect(splitList('p', 'a,')).toEqual(['a', '']);
  });

  it('rejects an unterminated quote', () => {
    expect(() => splitList('select', 'a,"b')).toThrow(BadParameterError);
    expect(() => splitList('select', 'a,"b')).toThrow(/select: unterminated double quote/);
  });
});

describe('unquoteItem', () => {
  it('returns unquoted items as they are', () => {
    expect(unquoteItem('p', 'plain')).toBe('plain');
    expect(unquoteItem('p', '')).toBe('');
  });

  it('unescapes quoted items', () => {
    expect(unquoteItem('p', '"a,b"')).toBe('a,b');
    expect(unquoteItem('p', '"say \\"hi\\""')).toBe('say "hi"');
    expect(unquoteItem('p', '"back\\\\slash"')).toBe('back\\slash');
    expect(unquoteItem('p', '""')).toBe('');
  });

  it('rejects text after the closing quote', () => {
    expect(() => unquoteItem('p', '"a"b')).toThrow(/p: unexpected text after the closing quote/);
  });
});

describe('readQuoted', () => {
  it('reports where the quoted part ends', () => {
    expect(readQuoted('order', '"a.b".desc')).toEqual({ value: 'a.b', end: 5 });
    expect(() => readQuoted('order', '"a.b')).toThrow(BadParameterError);
  });
});
