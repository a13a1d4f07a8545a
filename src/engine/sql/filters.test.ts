import { describe, expect, it } from 'vitest';
import { BadParameterError } from '../../errors.js';
import { FILTER_OPS, likePattern, parseFilter } from './filters.js';
import type { SchemaColumn } from './query-types.js';

const price: SchemaColumn = { name: 'price', type: 'float' };
const qty: SchemaColumn = { name: 'qty', type: 'integer' };
const name: SchemaColumn = { name: 'name', type: 'string' };
const active: SchemaColumn = { name: 'active', type: 'boolean' };
const day: SchemaColumn = { name: 'day', type: 'date' };
const ts: SchemaColumn = { name: 'ts', type: 'timestamp' };

describe('parseFilter', () => {
  it.each(['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const)('reads %s with a typed value', (op) => {
    expect(parseFilter('qty', qty, `${op}.5`)).toEqual({
      column: 'qty',
      op,
      negate: false,
      values: [5],
    });
    expect(parseFilter('price', price, `${op}.2.5`).values).toEqual([2.5]);
    expect(parseFilter('day', day, `${op}.2024-03-01`).values).toEqual(['2024-03-01']);
    expect(parseFilter('ts', ts, `${op}.2024-03-01T10:00:00Z`).values).toEqual([
      '2024-03-01T10:00:00Z',
    ]);
  });

  it('keeps everything after the operator as the value, dots included', () => {
    expect(parseFilter('name', name, 'eq.a.b.c').values).toEqual(['a.b.c']);
    expect(parseFilter('name', name, 'eq.').values).toEqual(['']);
    expect(parseFilter('name', name, 'eq.not.x').values).toEqual(['not.x']);
  });

  it('reads not. as negation', () => {
    expect(parseFilter('qty', qty, 'not.eq.5')).toEqual({
      column: 'qty',
      op: 'eq',
      negate: true,
      values: [5],
    });
    expect(parseFilter('qty', qty, 'not.is.null')).toMatchObject({
      op: 'is',
      negate: true,
      values: [null],
    });
    expect(() => parseFilter('qty', qty, 'not.not.eq.5')).toThrow(/unknown operator "not"/);
  });

  it('reads in lists, with PostgREST quoting', () => {
    expect(parseFilter('qty', qty, 'in.(1,2,3)').values).toEqual([1, 2, 3]);
    expect(parseFilter('name', name, 'in.(a,"b,c","say \\"hi\\"",)').values).toEqual([
      'a',
      'b,c',
      'say "hi"',
      '',
    ]);
    expect(parseFilter('name', name, 'in.()').values).toEqual([]);
    expect(parseFilter('name', name, 'in.("a)(b")').values).toEqual(['a)(b']);
    expect(parseFilter('active', active, 'not.in.(true)')).toMatchObject({
      negate: true,
      values: [true],
    });
  });

  it('types every in item and says which form is expected', () => {
    expect(() => parseFilter('qty', qty, 'in.(1,x)')).toThrow(
      'qty: "x" is not an integer; in.(<integer>,…) expected',
    );
    expect(() => parseFilter('qty', qty, 'in.1,2')).toThrow(
      /qty: in.\(<value>,<value>,…\) expected/,
    );
    expect(() => parseFilter('name', name, 'in.("a)')).toThrow(/unterminated double quote/);
  });

  it('reads is.null for any column and is.true / is.false for booleans', () => {
    expect(parseFilter('name', name, 'is.null').values).toEqual([null]);
    expect(parseFilter('active', active, 'is.true').values).toEqual([true]);
    expect(parseFilter('active', active, 'is.FALSE').values).toEqual([false]);
    expect(() => parseFilter('name', name, 'is.true')).toThrow(
      'name: is.null expected for string column "name", got "is.true"',
    );
    expect(() => parseFilter('active', active, 'is.maybe')).toThrow(
      /is.null, is.true or is.false expected/,
    );
  });

  it('reads like and ilike on strings, * as a wildcard', () => {
    expect(parseFilter('name', name, 'like.ab*')).toEqual({
      column: 'name',
      op: 'like',
      negate: false,
      values: ['ab%'],
    });
    expect(parseFilter('name', name, 'ilike.*x%y_').values).toEqual(['%x%y_']);
    expect(() => parseFilter('price', price, 'like.1*')).toThrow(
      'price: like applies to string columns only; "price" is a float column',
    );
    expect(() => parseFilter('qty', qty, 'ilike.1')).toThrow(BadParameterError);
  });

  it('refuses ordering operators on booleans', () => {
    expect(() => parseFilter('active', active, 'gt.true')).toThrow(
      'active: gt does not apply to boolean column "active"; use eq, neq, in or is',
    );
    expect(parseFilter('active', active, 'eq.true').values).toEqual([true]);
  });

  it('names the parameter and lists the operators for unknown ones', () => {
    const expected =
      'expected [not.]<op>.<value> with <op> one of eq, neq, gt, gte, lt, lte, like, ilike, in, is';
    expect(() => parseFilter('filter.price', price, 'between.1')).toThrow(
      `filter.price: unknown operator "between"; ${expected}, e.g. eq.<value>`,
    );
    expect(() => parseFilter('price', price, '5')).toThrow(
      `price: "5" is not a filter; ${expected}`,
    );
    expect(() => parseFilter('price', price, 'eq.abc')).toThrow(
      'price: "abc" is not a finite number; eq.<number> expected',
    );
    expect(() => parseFilter('filter.price', price, 'EQ.1')).toThrow(
      expect.objectContaining({ parameter: 'filter.price', status: 400 }),
    );
  });

  it('covers every operator', () => {
    expect(FILTER_OPS).toEqual([
      'eq',
      'neq',
      'gt',
      'gte',
      'lt',
      'lte',
      'like',
      'ilike',
      'in',
      'is',
    ]);
  });
});

describe('likePattern', () => {
  it('turns * into % and keeps escapes as written', () => {
    expect(likePattern('p', 'a*b*')).toBe('a%b%');
    expect(likePattern('p', '100\\%')).toBe('100\\%');
    expect(likePattern('p', 'a\\_b')).toBe('a\\_b');
    expect(likePattern('p', 'a\\*b')).toBe('a*b');
    expect(likePattern('p', 'a\\\\*')).toBe('a\\\\%');
  });

  it('rejects a trailing lone backslash', () => {
    expect(() => likePattern('name', 'ab\\')).toThrow(
      /name: a like pattern cannot end with a lone backslash/,
    );
  });
});
