import { describe, expect, it } from 'vitest';
import { BadParameterError, UnknownColumnError } from '../../errors.js';
import { parseRowsQuery } from './parse-rows-query.js';
import type { SchemaColumn } from './query-types.js';

const schema: readonly SchemaColumn[] = [
  { name: 'id', type: 'integer' },
  { name: 'name', type: 'string' },
  { name: 'price', type: 'float' },
  { name: 'limit', type: 'integer' },
  { name: 'a.b', type: 'string' },
  { name: 'a,b', type: 'string' },
  { name: 'x', type: 'string' },
];
const allColumns = schema.map((column) => column.name);

describe('parseRowsQuery', () => {
  it('defaults to every column, no order, the default page and json', () => {
    expect(parseRowsQuery({}, schema)).toEqual({
      select: allColumns,
      order: [],
      limit: 100,
      offset: 0,
      filters: [],
      format: 'json',
    });
    expect(parseRowsQuery({ select: '*', limit: '', order: '' }, schema)).toMatchObject({
      select: allColumns,
      limit: 100,
      order: [],
    });
  });

  it('reads select, removing duplicates and allowing quoted names', () => {
    expect(parseRowsQuery({ select: 'price,id,price' }, schema).select).toEqual(['price', 'id']);
    expect(parseRowsQuery({ select: '"a,b",a.b' }, schema).select).toEqual(['a,b', 'a.b']);
  });

  it('rejects unknown select columns as the select parameter', () => {
    expect(() => parseRowsQuery({ select: 'id,nope' }, schema)).toThrow(UnknownColumnError);
    expect(() => parseRowsQuery({ select: 'id,nope' }, schema)).toThrow(
      expect.objectContaining({
        parameter: 'select',
        message: expect.stringMatching(/^select: unknown column "nope"/),
      }),
    );
  });

  it('reads PostgREST order terms', () => {
    expect(
      parseRowsQuery({ order: 'price.desc,id,name.asc.nullslast,x.nullsfirst' }, schema).order,
    ).toEqual([
      { column: 'price', direction: 'desc' },
      { column: 'id', direction: 'asc' },
      { column: 'name', direction: 'asc', nulls: 'last' },
      { column: 'x', direction: 'asc', nulls: 'first' },
    ]);
  });

  it('reads dotted and quoted column names in order', () => {
    expect(parseRowsQuery({ order: 'a.b.desc,a.b' }, schema).order).toEqual([
      { column: 'a.b', direction: 'desc' },
      { column: 'a.b', direction: 'asc' },
    ]);
    expect(parseRowsQuery({ order: '"a,b".desc.nullsfirst,"a.b"' }, schema).order).toEqual([
      { column: 'a,b', direction: 'desc', nulls: 'first' },
      { column: 'a.b', direction: 'asc' },
    ]);
  });

  it('rejects bad order terms', () => {
    expect(() => parseRowsQuery({ order: 'nope.desc' }, schema)).toThrow(
      /^order: unknown column "nope"/,
    );
    expect(() => parseRowsQuery({ order: 'id.up' }, schema)).toThrow(
      /^order: unknown column "id.up"/,
    );
    expect(() => parseRowsQuery({ order: 'id.nullslast.desc' }, schema)).toThrow(
      /^order: cannot read "id.nullslast.desc"; order=<column>\[.asc\|.desc\]/,
    );
    expect(() => parseRowsQuery({ order: 'id,' }, schema)).toThrow(/^order: empty item/);
    expect(() => parseRowsQuery({ order: '"id"x' }, schema)).toThrow(
      /^order: cannot read "\\"id\\"x"/,
    );
    expect(() => parseRowsQuery({ order: '"id".asc.desc' }, schema)).toThrow(/^order: cannot read/);
  });

  it('bounds limit and offset', () => {
    expect(parseRowsQuery({ limit: '0', offset: '20' }, schema)).toMatchObject({
      limit: 0,
      offset: 20,
    });
    expect(parseRowsQuery({ limit: '10000' }, schema).limit).toBe(10000);
    expect(() => parseRowsQuery({ limit: '10001' }, schema)).toThrow(
      'limit must be an integer 0-10000, got "10001"',
    );
    expect(() => parseRowsQuery({ limit: 'ten' }, schema)).toThrow(BadParameterError);
    expect(() => parseRowsQuery({ offset: '-1' }, schema)).toThrow(/^offset must be an integer 0-/);
  });

  it('reads format', () => {
    for (const format of ['json', 'csv', 'ndjson', 'parquet', 'arrow'] as const) {
      expect(parseRowsQuery({ format }, schema).format).toBe(format);
    }
    expect(() => parseRowsQuery({ format: 'xml' }, schema)).toThrow(
      'format must be one of json, csv, ndjson, parquet, arrow, got "xml"',
    );
  });

  it('rejects repeated parameters', () => {
    expect(() => parseRowsQuery({ limit: ['1', '2'] }, schema)).toThrow(
      'limit was given 2 times; give it once',
    );
    expect(() => parseRowsQuery({ select: ['id', 'name'] }, schema)).toThrow(BadParameterError);
  });

  it('lets parameter names win over columns; filter. reaches the column', () => {
    const q = parseRowsQuery({ limit: '5', 'filter.limit': 'gt.3' }, schema);
    expect(q.limit).toBe(5);
    expect(q.filters).toEqual([{ column: 'limit', op: 'gt', negate: false, values: [3] }]);
    expect(() => parseRowsQuery({ limit: 'gt.3' }, schema)).toThrow(/^limit must be an integer/);
  });

  it('filters columns named like aggregate parameters directly', () => {
    expect(parseRowsQuery({ x: 'eq.a' }, schema).filters).toEqual([
      { column: 'x', op: 'eq', negate: false, values: ['a'] },
    ]);
  });

  it('ANDs repeated filters and reads every key as written', () => {
    const q = parseRowsQuery(
      { price: ['gte.1', 'lt.9'], 'filter.name': 'like.a*', id: 'in.(1,2)' },
      schema,
    );
    expect(q.filters).toEqual([
      { column: 'price', op: 'gte', negate: false, values: [1] },
      { column: 'price', op: 'lt', negate: false, values: [9] },
      { column: 'name', op: 'like', negate: false, values: ['a%'] },
      { column: 'id', op: 'in', negate: false, values: [1, 2] },
    ]);
  });

  it('rejects keys that are neither parameters nor columns', () => {
    expect(() => parseRowsQuery({ sort: 'id' }, schema)).toThrow(
      expect.objectContaining({
        parameter: 'sort',
        message: expect.stringContaining(
          'unknown parameter "sort": the parameters are select, order, limit, offset, format, and a column is filtered as <column>=<op>.<value> or filter.<column>=<op>.<value>',
        ),
      }),
    );
    expect(() => parseRowsQuery({ bucket: 'day' }, schema)).toThrow(/unknown parameter "bucket"/);
  });

  it('names the filter key in value errors', () => {
    expect(() => parseRowsQuery({ id: 'eq.abc' }, schema)).toThrow(
      'id: "abc" is not an integer; eq.<integer> expected',
    );
    expect(() => parseRowsQuery({ 'filter.id': 'eq.abc' }, schema)).toThrow(
      expect.objectContaining({ parameter: 'filter.id' }),
    );
  });
});
