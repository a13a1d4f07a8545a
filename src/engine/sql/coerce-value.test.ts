import { describe, expect, it } from 'vitest';
import { BadParameterError } from '../../errors.js';
import { coerceValue, normalizeTimestamp, showValue } from './coerce-value.js';

const coerce = (type: Parameters<typeof coerceValue>[1], text: string) =>
  coerceValue('filter.v', type, text, 'eq.<x>');

describe('coerceValue', () => {
  it('keeps strings as they are', () => {
    expect(coerce('string', '')).toBe('');
    expect(coerce('string', "'; DROP TABLE t; --")).toBe("'; DROP TABLE t; --");
  });

  it('reads integers, as bigint beyond the safe range', () => {
    expect(coerce('integer', '42')).toBe(42);
    expect(coerce('integer', '-7')).toBe(-7);
    expect(coerce('integer', '9007199254740991')).toBe(9007199254740991);
    expect(coerce('integer', '9007199254740993')).toBe(9007199254740993n);
    expect(coerce('integer', '9223372036854775807')).toBe(9223372036854775807n);
    expect(coerce('integer', '-9223372036854775808')).toBe(-9223372036854775808n);
  });

  it.each(['abc', '1.5', '', ' 1', '1e3', '0x10', '+1', '1; DROP TABLE t'])(
    'rejects %j as an integer',
    (text) => {
      expect(() => coerce('integer', text)).toThrow(BadParameterError);
    },
  );

  it('says what is wrong and what is expected', () => {
    expect(() => coerceValue('price', 'integer', 'abc', 'eq.<integer>')).toThrow(
      'price: "abc" is not an integer; eq.<integer> expected',
    );
    expect(() => coerce('integer', '9223372036854775808')).toThrow(
      'filter.v: "9223372036854775808" is not an integer in the 64-bit range; eq.<x> expected',
    );
    expect(() => coerce('float', 'x')).toThrow(
      expect.objectContaining({ parameter: 'filter.v', code: 'DASHPORT_ERR_BAD_PARAMETER' }),
    );
  });

  it('reads finite floats only', () => {
    expect(coerce('float', '1.5')).toBe(1.5);
    expect(coerce('float', '-.5')).toBe(-0.5);
    expect(coerce('float', '3')).toBe(3);
    expect(coerce('float', '2.5e-3')).toBe(0.0025);
    for (const text of ['NaN', 'Infinity', '1e999', '', '1,5', '0x1', ' 1']) {
      expect(() => coerce('float', text), text).toThrow(/is not a finite number/);
    }
  });

  it('reads booleans', () => {
    expect(coerce('boolean', 'true')).toBe(true);
    expect(coerce('boolean', 'FALSE')).toBe(false);
    expect(() => coerce('boolean', '1')).toThrow(/is not true or false/);
  });

  it('validates calendar dates', () => {
    expect(coerce('date', '2024-02-29')).toBe('2024-02-29');
    expect(coerce('date', '2000-02-29')).toBe('2000-02-29');
    for (const text of [
      '2023-02-29',
      '1900-02-29',
      '2024-13-01',
      '2024-04-31',
      '2024-1-1',
      '2024-01-01T00:00',
    ]) {
      expect(() => coerce('date', text), text).toThrow(/is not a valid date/);
    }
  });

  it('normalizes timestamps to UTC', () => {
    expect(coerce('timestamp', '2024-01-02')).toBe('2024-01-02T00:00:00Z');
    expect(coerce('timestamp', '2024-01-02T03:04')).toBe('2024-01-02T03:04:00Z');
    expect(coerce('timestamp', '2024-01-02 03:04:05')).toBe('2024-01-02T03:04:05Z');
    expect(coerce('timestamp', '2024-01-02T03:04:05.123456789Z')).toBe(
      '2024-01-02T03:04:05.123456Z',
    );
    expect(coerce('timestamp', '2024-01-02T03:04:05+02:00')).toBe('2024-01-02T01:04:05Z');
    expect(coerce('timestamp', '2024-01-01T01:00:00+0230')).toBe('2023-12-31T22:30:00Z');
    expect(coerce('timestamp', '2024-12-31T23:00:00-05')).toBe('2025-01-01T04:00:00Z');
    // `+` decoded from a query string as a space.
    expect(coerce('timestamp', '2024-01-02T03:04:05 02:00')).toBe('2024-01-02T01:04:05Z');
    expect(coerce('timestamp', '0050-06-01T00:00:00Z')).toBe('0050-06-01T00:00:00Z');
  });

  it.each([
    '2024-01-02T24:00:00',
    '2024-01-02T10:60',
    '2024-02-30T00:00',
    '2024-01-02T03:04:05+25:00',
    '0000-01-01T00:00:00+01:00',
    'yesterday',
    '2024-01-02T03:04:05Z; DROP TABLE t',
    '1704067200',
  ])('rejects the timestamp %j', (text) => {
    expect(normalizeTimestamp(text)).toBeUndefined();
    expect(() => coerce('timestamp', text)).toThrow(/is not a valid ISO-8601 timestamp/);
  });
});

describe('showValue', () => {
  it('quotes and shortens', () => {
    expect(showValue('a"b')).toBe('"a\\"b"');
    expect(showValue('x'.repeat(200))).toBe(`"${'x'.repeat(80)}…"`);
  });
});
