import { describe, expect, it } from 'vitest';
import { toCell } from './cell.js';

describe('toCell', () => {
  it('keeps safe integers as numbers and large ones as exact strings', () => {
    expect(toCell(42n, 'BIGINT')).toBe(42);
    expect(toCell(9007199254740993n, 'HUGEINT')).toBe('9007199254740993');
  });
  it('writes dates as days and timestamps as ISO UTC', () => {
    const instant = new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 123));
    expect(toCell(instant, 'DATE')).toBe('2020-01-02');
    expect(toCell(instant, 'TIMESTAMP')).toBe('2020-01-02T03:04:05.123Z');
  });
  it('turns values JSON cannot carry into null', () => {
    expect(toCell(Number.NaN, 'DOUBLE')).toBeNull();
    expect(toCell(Number.POSITIVE_INFINITY, 'DOUBLE')).toBeNull();
    expect(toCell(undefined, 'DOUBLE')).toBeNull();
  });
  it('passes strings and booleans through', () => {
    expect(toCell('x', 'VARCHAR')).toBe('x');
    expect(toCell(false, 'BOOLEAN')).toBe(false);
  });
});
