import { describe, expect, it } from 'vitest';
import { BadParameterError, UnknownColumnError } from '../../errors.js';
import { parseAggregateQuery } from './parse-aggregate-query.js';
import type { SchemaColumn } from './query-types.js';

const schema: readonly SchemaColumn[] = [
  { name: 'ts', type: 'timestamp' },
  { name: 'day', type: 'date' },
  { name: 'freq', type: 'float' },
  { name: 'snr', type: 'integer' },
  { name: 'band', type: 'string' },
  { name: 'ok', type: 'boolean' },
  { name: 'top', type: 'integer' },
  { name: 'x', type: 'string' },
];

describe('parseAggregateQuery', () => {
  it('defaults to one count over every row', () => {
    expect(parseAggregateQuery({}, schema)).toEqual({
      x: undefined,
      bucket: undefined,
      bins: undefined,
      y: undefined,
      agg: 'count',
      group: undefined,
      top: 10,
      points: undefined,
      filters: [],
    });
  });

  it('reads a full query', () => {
    expect(
      parseAggregateQuery(
        {
          x: 'ts',
          bucket: 'week',
          y: 'snr',
          agg: 'mean',
          group: 'band',
          top: '5',
          points: '500',
          freq: 'gt.7',
        },
        schema,
      ),
    ).toEqual({
      x: 'ts',
      bucket: 'week',
      bins: undefined,
      y: 'snr',
      agg: 'mean',
      group: 'band',
      top: 5,
      points: 500,
      filters: [{ column: 'freq', op: 'gt', negate: false, values: [7] }],
    });
  });

  it('groups a time x by its raw value without bucket', () => {
    expect(parseAggregateQuery({ x: 'day' }, schema)).toMatchObject({
      x: 'day',
      bucket: undefined,
    });
  });

  it('rejects unknown columns as the parameter that named them', () => {
    for (const key of ['x', 'y', 'group']) {
      expect(() => parseAggregateQuery({ [key]: 'nope', agg: 'max' }, schema), key).toThrow(
        UnknownColumnError,
      );
      expect(() => parseAggregateQuery({ [key]: 'nope', agg: 'max' }, schema), key).toThrow(
        expect.objectContaining({ parameter: key }),
      );
    }
  });

  it('accepts every bucket on a time x only', () => {
    for (const bucket of ['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']) {
      expect(parseAggregateQuery({ x: 'ts', bucket }, schema).bucket).toBe(bucket);
      expect(parseAggregateQuery({ x: 'day', bucket }, schema).bucket).toBe(bucket);
    }
    expect(() => parseAggregateQuery({ x: 'ts', bucket: 'fortnight' }, schema)).toThrow(
      'bucket must be one of minute, hour, day, week, month, quarter, year, got "fortnight"',
    );
    expect(() => parseAggregateQuery({ x: 'freq', bucket: 'day' }, schema)).toThrow(
      'bucket applies to a date or timestamp x; "freq" is a float column',
    );
    expect(() => parseAggregateQuery({ bucket: 'day' }, schema)).toThrow(
      'bucket needs x=<date or timestamp column>',
    );
  });

  it('accepts bins on a numeric x only, not with bucket', () => {
    expect(parseAggregateQuery({ x: 'freq', bins: '20' }, schema).bins).toBe(20);
    expect(parseAggregateQuery({ x: 'snr', bins: '1000' }, schema).bins).toBe(1000);
    expect(() => parseAggregateQuery({ x: 'snr', bins: '1001' }, schema)).toThrow(
      'bins must be an integer 1-1000, got "1001"',
    );
    expect(() => parseAggregateQuery({ x: 'snr', bins: '0' }, schema)).toThrow(BadParameterError);
    expect(() => parseAggregateQuery({ x: 'band', bins: '10' }, schema)).toThrow(
      'bins applies to an integer or float x; "band" is a string column',
    );
    expect(() => parseAggregateQuery({ bins: '10' }, schema)).toThrow(
      'bins needs x=<integer or float column>',
    );
    expect(() => parseAggregateQuery({ x: 'ts', bins: '10', bucket: 'day' }, schema)).toThrow(
      /^bins and bucket cannot be combined/,
    );
  });

  it('needs a y of the right type for every agg but count', () => {
    expect(parseAggregateQuery({ agg: 'count', y: 'band' }, schema)).toMatchObject({
      agg: 'count',
      y: 'band',
    });
    for (const agg of ['sum', 'mean', 'median']) {
      expect(parseAggregateQuery({ agg, y: 'freq' }, schema).agg).toBe(agg);
      expect(() => parseAggregateQuery({ agg }, schema)).toThrow(
        `agg=${agg} needs y=<integer or float column>`,
      );
      expect(() => parseAggregateQuery({ agg, y: 'ts' }, schema)).toThrow(
        `agg=${agg} needs a y of type integer or float; "ts" is a timestamp column`,
      );
    }
    for (const agg of ['min', 'max']) {
      for (const y of ['freq', 'snr', 'ok', 'day', 'ts']) {
        expect(parseAggregateQuery({ agg, y }, schema).y).toBe(y);
      }
      expect(() => parseAggregateQuery({ agg, y: 'band' }, schema)).toThrow(
        `agg=${agg} needs a y of type integer, float, boolean, date or timestamp; "band" is a string column`,
      );
    }
    for (const y of ['band', 'ok', 'ts']) {
      expect(parseAggregateQuery({ agg: 'distinct', y }, schema).y).toBe(y);
    }
    expect(() => parseAggregateQuery({ agg: 'avg', y: 'freq' }, schema)).toThrow(
      'agg must be one of count, sum, mean, min, max, median, distinct, got "avg"',
    );
  });

  it('bounds top and points', () => {
    expect(parseAggregateQuery({ top: '100', points: '3' }, schema)).toMatchObject({
      top: 100,
      points: 3,
    });
    expect(() => parseAggregateQuery({ top: '0' }, schema)).toThrow(
      'top must be an integer 1-100, got "0"',
    );
    expect(() => parseAggregateQuery({ points: '2' }, schema)).toThrow(
      'points must be an integer 3-100000, got "2"',
    );
    expect(() => parseAggregateQuery({ points: '100001' }, schema)).toThrow(BadParameterError);
  });

  it('lets aggregate parameters win over columns of the same name', () => {
    const q = parseAggregateQuery(
      { top: '3', 'filter.top': 'lt.9', x: 'band', 'filter.x': 'eq.a' },
      schema,
    );
    expect(q.top).toBe(3);
    expect(q.x).toBe('band');
    expect(q.filters).toEqual([
      { column: 'top', op: 'lt', negate: false, values: [9] },
      { column: 'x', op: 'eq', negate: false, values: ['a'] },
    ]);
  });

  it('rejects unknown keys, repeated parameters and rows-only parameters', () => {
    expect(() => parseAggregateQuery({ limit: '5' }, schema)).toThrow(
      /^unknown parameter "limit": the parameters are x, bucket, bins, y, agg, group, top, points, and a column/,
    );
    expect(() => parseAggregateQuery({ x: ['ts', 'day'] }, schema)).toThrow(
      'x was given 2 times; give it once',
    );
  });
});
