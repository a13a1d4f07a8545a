import { describe, expect, it } from 'vitest';
import { UnknownColumnError } from '../../errors.js';
import { buildCountSql, buildRowsSql } from './build-rows-sql.js';
import { parseRowsQuery } from './parse-rows-query.js';
import type { RawQuery, SchemaColumn, SqlDialect } from './query-types.js';

const evilColumn = '"; DROP TABLE x; --';
const schema: readonly SchemaColumn[] = [
  { name: 'id', type: 'integer' },
  { name: 'name', type: 'string' },
  { name: 'price', type: 'float' },
  { name: 'my col', type: 'string' },
  { name: evilColumn, type: 'string' },
  { name: 'naïve "ünïcødé"', type: 'integer' },
];

const rowsSql = (raw: RawQuery, dialect: SqlDialect = 'duckdb') =>
  buildRowsSql('items', parseRowsQuery(raw, schema), schema, dialect);

const INJECTIONS = [
  `'; DROP TABLE items; --`,
  `1' OR '1'='1`,
  `") OR 1=1 --`,
  `\\'; SELECT pg_sleep(10); --`,
  `$$; DELETE FROM items; $$`,
  `*/ UNION SELECT * FROM secrets /*`,
];

describe('buildRowsSql', () => {
  it('selects every column with a bound page by default', () => {
    expect(buildRowsSql('items', parseRowsQuery({}, schema), schema, 'duckdb')).toEqual({
      sql:
        'SELECT "id", "name", "price", "my col", """; DROP TABLE x; --", "naïve ""ünïcødé""" ' +
        'FROM "items" LIMIT $1 OFFSET $2',
      params: [100, 0],
    });
  });

  it('writes select, filters, order and paging in placeholder order', () => {
    expect(
      rowsSql({
        select: 'name,id',
        id: 'gt.5',
        name: 'like.a*',
        order: 'price.desc,id',
        limit: '10',
        offset: '20',
      }),
    ).toEqual({
      sql:
        `SELECT "name", "id" FROM "items" WHERE "id" > CAST($1 AS BIGINT) AND "name" LIKE $2 ESCAPE '\\' ` +
        'ORDER BY "price" DESC NULLS LAST, "id" ASC NULLS LAST LIMIT $3 OFFSET $4',
      params: [5, 'a%', 10, 20],
    });
  });

  it('spells out nulls placement as asked', () => {
    expect(rowsSql({ order: 'price.desc.nullsfirst,id.nullslast' }).sql).toContain(
      'ORDER BY "price" DESC NULLS FIRST, "id" ASC NULLS LAST',
    );
  });

  // Found by test/engine/query-properties.test.ts: order=<text column> followed the column's
  // collation on PostgreSQL (ICU: "a" < "B" < "b"), byte order on DuckDB ("B" < "a" < "b").
  it('orders text by code point on PostgreSQL, as DuckDB does', () => {
    expect(rowsSql({ order: 'name.desc,id' }, 'postgres').sql).toContain(
      'ORDER BY "name" COLLATE "C" DESC NULLS LAST, "id" ASC NULLS LAST',
    );
    expect(rowsSql({ order: 'name' }).sql).toContain('ORDER BY "name" ASC NULLS LAST');
  });

  it('writes the PostgreSQL dialect', () => {
    expect(rowsSql({ select: 'id', id: 'in.(1,2)', price: 'not.lt.2.5' }, 'postgres')).toEqual({
      sql: 'SELECT "id" FROM "items" WHERE "id" IN ($1::bigint, $2::bigint) AND NOT ("price" < $3::double precision) LIMIT $4 OFFSET $5',
      params: [1, 2, 2.5, 100, 0],
    });
  });

  it('quotes schema-qualified relations', () => {
    expect(
      buildRowsSql(
        ['public', 'my "items"'],
        parseRowsQuery({ select: 'id' }, schema),
        schema,
        'postgres',
      ).sql,
    ).toBe('SELECT "id" FROM "public"."my ""items""" LIMIT $1 OFFSET $2');
  });

  it('quotes weird column names wherever they appear', () => {
    const { sql } = rowsSql({
      select: `"${evilColumn.replaceAll('"', '\\"')}",my col`,
      [`filter.${evilColumn}`]: 'eq.1',
      'naïve "ünïcødé"': 'eq.3',
      order: `"${evilColumn.replaceAll('"', '\\"')}".desc`,
    });
    expect(sql).toBe(
      'SELECT """; DROP TABLE x; --", "my col" FROM "items" ' +
        'WHERE """; DROP TABLE x; --" = $1 AND "naïve ""ünïcødé""" = CAST($2 AS BIGINT) ' +
        'ORDER BY """; DROP TABLE x; --" DESC NULLS LAST LIMIT $3 OFFSET $4',
    );
  });

  it.each(INJECTIONS)('binds %j as a parameter, never as SQL text', (evil) => {
    for (const dialect of ['duckdb', 'postgres'] as const) {
      const statement = rowsSql(
        {
          select: 'id',
          name: [`eq.${evil}`, `like.${evil}`, `ilike.${evil}`],
          'my col': `in.(${JSON.stringify(evil)},b)`,
        },
        dialect,
      );
      expect(statement.sql).not.toContain(evil);
      expect(statement.sql).not.toMatch(/DROP|DELETE|UNION|pg_sleep|OR '1'/);
      expect(statement.params).toContain(evil);
    }
  });

  it('refuses a column that is not in the schema even in a hand-made query', () => {
    expect(() =>
      buildRowsSql(
        'items',
        {
          select: ['id; DROP TABLE items'],
          order: [],
          limit: 1,
          offset: 0,
          filters: [],
          format: 'json',
        },
        schema,
        'duckdb',
      ),
    ).toThrow(UnknownColumnError);
    expect(() =>
      buildRowsSql(
        'items',
        {
          select: ['id'],
          order: [{ column: 'x"', direction: 'asc' }],
          limit: 1,
          offset: 0,
          filters: [],
          format: 'json',
        },
        schema,
        'duckdb',
      ),
    ).toThrow(UnknownColumnError);
  });
});

describe('buildCountSql', () => {
  it('counts the filtered rows', () => {
    expect(
      buildCountSql(
        'items',
        parseRowsQuery({ price: 'gte.1', name: 'is.null' }, schema),
        schema,
        'postgres',
      ),
    ).toEqual({
      sql: 'SELECT count(*) AS n FROM "items" WHERE "price" >= $1::double precision AND "name" IS NULL',
      params: [1],
    });
    expect(buildCountSql('items', { filters: [] }, schema, 'duckdb')).toEqual({
      sql: 'SELECT count(*) AS n FROM "items"',
      params: [],
    });
  });
});
