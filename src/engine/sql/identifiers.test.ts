import { describe, expect, it } from 'vitest';
import { DataError, UnknownColumnError } from '../../errors.js';
import { quoteIdent, quoteRelation, resolveColumn } from './identifiers.js';
import type { SchemaColumn } from './query-types.js';

const schema: readonly SchemaColumn[] = [
  { name: 'price', type: 'float' },
  { name: 'Price', type: 'integer' },
  { name: 'my col', type: 'string' },
];

describe('quoteIdent', () => {
  it('double-quotes a plain name', () => {
    expect(quoteIdent('price')).toBe('"price"');
  });

  it.each([
    ['my col', '"my col"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['température °C', '"température °C"'],
    ['名前', '"名前"'],
    ['"; DROP TABLE x; --', '"""; DROP TABLE x; --"'],
    ['select', '"select"'],
    ["it's", `"it's"`],
  ])('keeps %j one identifier', (name, quoted) => {
    expect(quoteIdent(name)).toBe(quoted);
    // Inside the outer quotes, every quote is doubled: nothing can close the identifier early.
    expect(quoted.slice(1, -1).replaceAll('""', '')).not.toContain('"');
  });

  it('rejects NUL and empty names', () => {
    expect(() => quoteIdent('a\0b')).toThrow(DataError);
    expect(() => quoteIdent('')).toThrow(DataError);
  });
});

describe('quoteRelation', () => {
  it('quotes each part of a qualified name', () => {
    expect(quoteRelation('spots')).toBe('"spots"');
    expect(quoteRelation(['public', 'my "table"'])).toBe('"public"."my ""table"""');
    expect(() => quoteRelation([])).toThrow(DataError);
  });
});

describe('resolveColumn', () => {
  it('finds the column by its exact name', () => {
    expect(resolveColumn('x', 'price', schema)).toEqual({ name: 'price', type: 'float' });
    expect(resolveColumn('x', 'Price', schema)).toEqual({ name: 'Price', type: 'integer' });
    expect(resolveColumn('x', 'my col', schema).type).toBe('string');
  });

  it('names the parameter, the column and the columns there are', () => {
    expect(() => resolveColumn('select', 'PRICE', schema)).toThrow(UnknownColumnError);
    expect(() => resolveColumn('select', 'PRICE', schema)).toThrow(
      expect.objectContaining({
        parameter: 'select',
        code: 'DASHPORT_ERR_UNKNOWN_COLUMN',
        status: 400,
        message: 'select: unknown column "PRICE"; columns are: price, Price, my col',
      }),
    );
  });
});
