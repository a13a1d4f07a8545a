import { describe, expect, it } from 'vitest';
import { BadParameterError, UnknownColumnError } from '../../errors.js';
import { parseBoundedInteger, parseChoice, parseFilters, singleValue } from './query-parameters.js';
import type { SchemaColumn } from './query-types.js';

const schema: readonly SchemaColumn[] = [
  { name: 'price', type: 'float' },
  { name: 'limit', type: 'integer' },
  { name: 'filter.x', type: 'string' },
];

describe('singleValue', () => {
  it('reads one value, treating empty as absent', () => {
    expect(singleValue({ a: '1' }, 'a')).toBe('1');
    expect(singleValue({ a: ['1'] }, 'a')).toBe('1');
    expect(singleValue({ a: '' }, 'a')).toBeUndefined();
    expect(singleValue({}, 'a')).toBeUndefined();
    expect(singleValue({}, 'constructor')).toBeUndefined();
  });

  it('rejects a repeated parameter', () => {
    expect(() => singleValue({ limit: ['1', '2'] }, 'limit')).toThrow(
      'limit was given 2 times; give it once',
    );
  });
});

describe('parseBoundedInteger', () => {
  it('accepts integers in range and names the range otherwise', () => {
    expect(parseBoundedInteger('limit', '0', 0, 10)).toBe(0);
    expect(parseBoundedInteger('limit', '10', 0, 10)).toBe(10);
    for (const text of ['11', '-1', '1.5', 'abc', '1e2', ' 1']) {
      expect(() => parseBoundedInteger('limit', text, 0, 10), text).toThrow(
        `limit must be an integer 0-10, got ${JSON.stringify(text)}`,
      );
    }
  });
});

describe('parseChoice', () => {
  it('accepts listed words only', () => {
    expect(parseChoice('format', 'csv', ['json', 'csv'])).toBe('csv');
    expect(() => parseChoice('format', 'xml', ['json', 'csv'])).toThrow(
      'format must be one of json, csv, got "xml"',
    );
  });
});

describe('parseFilters', () => {
  it('reads column keys and filter.<column> keys', () => {
    expect(parseFilters({ price: 'gt.1', 'filter.limit': 'eq.2' }, schema, ['limit'])).toEqual([
      { column: 'price', op: 'gt', negate: false, values: [1] },
      { column: 'limit', op: 'eq', negate: false, values: [2] },
    ]);
  });

  it('lets endpoint parameters win over columns of the same name', () => {
    expect(parseFilters({ limit: '5' }, schema, ['limit'])).toEqual([]);
    expect(parseFilters({ limit: 'eq.5' }, schema, [])).toMatchObject([{ column: 'limit' }]);
  });

  it('reads the rest of a filter. key as the column name', () => {
    expect(parseFilters({ 'filter.filter.x': 'eq.a' }, schema, [])).toMatchObject([
      { column: 'filter.x' },
    ]);
    expect(() => parseFilters({ 'filter.x': 'eq.a' }, schema, [])).toThrow(UnknownColumnError);
    expect(() => parseFilters({ 'filter.x': 'eq.a' }, schema, [])).toThrow(
      'filter.x: unknown column "x"; columns are: price, limit, filter.x',
    );
  });

  it('ANDs repeated keys in order', () => {
    expect(parseFilters({ price: ['gt.1', 'lt.5'] }, schema, [])).toMatchObject([
      { op: 'gt', values: [1] },
      { op: 'lt', values: [5] },
    ]);
  });

  it('names an unknown key, the parameters and how to filter', () => {
    expect(() => parseFilters({ colour: 'eq.red' }, schema, ['select', 'limit'])).toThrow(
      BadParameterError,
    );
    expect(() => parseFilters({ colour: 'eq.red' }, schema, ['select', 'limit'])).toThrow(
      'unknown parameter "colour": the parameters are select, limit, and a column is filtered as ' +
        '<column>=<op>.<value> or filter.<column>=<op>.<value> (columns: price, limit, filter.x)',
    );
    expect(() => parseFilters(JSON.parse('{"__proto__":"eq.1"}'), schema, [])).toThrow(
      expect.objectContaining({ parameter: '__proto__' }),
    );
  });
});
