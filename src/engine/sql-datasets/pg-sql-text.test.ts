import { describe, expect, it } from 'vitest';
import { pgSqlText, qualifiedNameAt } from './pg-sql-text.js';

const bytesTo = (text: string, part: string) =>
  Buffer.byteLength(text.slice(0, text.indexOf(part)));

describe('qualifiedNameAt', () => {
  it('reads a dotted name, quoted or not, with spaces around the dots', () => {
    const text = 'FROM pg . "Or""ders" o';
    expect(qualifiedNameAt(text, 5)).toEqual({ end: text.indexOf(' o'), last: '"Or""ders"' });
    expect(qualifiedNameAt('"pg.orders" USING', 0)).toEqual({ end: 11, last: '"pg.orders"' });
    expect(qualifiedNameAt('händler,', 0)).toEqual({ end: 7, last: 'händler' });
  });
});

describe('pgSqlText', () => {
  const relations: Record<string, string> = {
    'pg.orders': '"shop"."orders"',
    'pg.customers': '"shop"."customers"',
    mid: '(\nSELECT 1 AS x\n)',
  };
  const relationOf = (id: string) => relations[id] ?? '?';

  it('replaces each dataset name by its relation, keeping the name as written as the alias', () => {
    const text =
      '-- é\nSELECT o.id, customers.name\nFROM "pg.orders" o JOIN pg.customers ON true;\n';
    const result = pgSqlText(
      text,
      [
        { id: 'pg.orders', offset: bytesTo(text, '"pg.orders"'), aliased: true },
        { id: 'pg.customers', offset: bytesTo(text, 'pg.customers'), aliased: false },
      ],
      relationOf,
    );
    expect(result.sql).toBe(
      '-- é\nSELECT o.id, customers.name\nFROM "shop"."orders" o JOIN "shop"."customers" AS customers ON true \n',
    );
  });

  it('maps a position back to the line of the file, and an inserted subquery to its use', () => {
    const text = 'SELECT *\nFROM mid\n\nWHERE nope';
    const result = pgSqlText(
      text,
      [{ id: 'mid', offset: text.indexOf('mid'), aliased: false }],
      relationOf,
    );
    expect(result.sql).toBe('SELECT *\nFROM (\nSELECT 1 AS x\n) AS mid\n\nWHERE nope');
    expect(result.lineOf(result.sql.indexOf('nope'))).toBe(4);
    expect(result.lineOf(result.sql.indexOf('SELECT 1'))).toBe(2);
    expect(result.lineOf(0)).toBe(1);
  });
});
