import { describe, expect, it } from 'vitest';
import {
  PG_OIDS,
  PG_TYPE_PARSERS,
  columnTypeOfPg,
  parsePgTimestamp,
  parsePgTimestamptz,
} from './pg-types.js';

describe('columnTypeOfPg', () => {
  it('maps the base types and falls back to string', () => {
    expect(['int2', 'int4', 'int8'].map(columnTypeOfPg)).toEqual(['integer', 'integer', 'integer']);
    expect(['float4', 'float8', 'numeric'].map(columnTypeOfPg)).toEqual([
      'float',
      'float',
      'float',
    ]);
    expect(columnTypeOfPg('bool')).toBe('boolean');
    expect(columnTypeOfPg('date')).toBe('date');
    expect(columnTypeOfPg('timestamptz')).toBe('timestamp');
    expect(['text', 'varchar', 'uuid', 'jsonb', '_int4', 'interval'].map(columnTypeOfPg)).toEqual(
      Array(6).fill('string'),
    );
  });
});

describe('PG_TYPE_PARSERS', () => {
  const parse = (oid: number, text: string) => PG_TYPE_PARSERS.getTypeParser(oid, 'text')(text);

  it('keeps exact integers as numbers and larger ones as text', () => {
    expect(parse(PG_OIDS.int8, '42')).toBe(42);
    expect(parse(PG_OIDS.int8, '9223372036854775807')).toBe('9223372036854775807');
  });

  it('reads numeric as a float, NaN as null', () => {
    expect(parse(PG_OIDS.numeric, '1.25')).toBe(1.25);
    expect(parse(PG_OIDS.numeric, 'NaN')).toBeNull();
  });

  it('keeps dates as text and timestamps as ISO UTC', () => {
    expect(parse(PG_OIDS.date, '2024-02-29')).toBe('2024-02-29');
    expect(parsePgTimestamp('2024-01-02 03:04:05.5')).toBe('2024-01-02T03:04:05.500Z');
    expect(parsePgTimestamptz('2024-01-02 03:04:05+02')).toBe('2024-01-02T01:04:05.000Z');
    expect(parsePgTimestamptz('2024-01-02 03:04:05.25+05:30')).toBe('2024-01-01T21:34:05.250Z');
    expect(parsePgTimestamp('infinity')).toBeNull();
  });

  it('returns text for types without a Dashport type', () => {
    expect(parse(114, '{"a":1}')).toBe('{"a":1}');
    expect(parse(1007, '{1,2}')).toBe('{1,2}');
    expect(parse(PG_OIDS.bool, 't')).toBe(true);
  });
});
