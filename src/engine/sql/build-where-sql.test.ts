import { describe, expect, it } from 'vitest';
import { UnknownColumnError } from '../../errors.js';
import { buildConditions, whereClause } from './build-where-sql.js';
import type { Filter, SchemaColumn, SqlDialect } from './query-types.js';
import { createSqlParams } from './sql-params.js';

const schema: readonly SchemaColumn[] = [
  { name: 'n', type: 'integer' },
  { name: 'f', type: 'float' },
  { name: 's', type: 'string' },
  { name: 'b', type: 'boolean' },
  { name: 'd', type: 'date' },
  { name: 't', type: 'timestamp' },
  { name: 'we"ird; --', type: 'string' },
];

function build(filters: Filter[], dialect: SqlDialect = 'duckdb') {
  const params = createSqlParams();
  const conditions = buildConditions(filters, schema, dialect, params);
  return { conditions, params: params.values };
}

const f = (column: string, op: Filter['op'], values: Filter['values'], negate = false): Filter => ({
  column,
  op,
  negate,
  values,
});

describe('buildConditions', () => {
  it('writes comparisons with typed placeholders for DuckDB', () => {
    expect(
      build([
        f('n', 'eq', [1]),
        f('f', 'neq', [1.5]),
        f('s', 'gt', ['a']),
        f('b', 'eq', [true]),
        f('d', 'lte', ['2024-01-01']),
        f('t', 'gte', ['2024-01-01T00:00:00Z']),
        f('n', 'lt', [9007199254740993n]),
      ]),
    ).toEqual({
      conditions: [
        '"n" = CAST($1 AS BIGINT)',
        '"f" <> CAST($2 AS DOUBLE)',
        '"s" > $3',
        '"b" = CAST($4 AS BOOLEAN)',
        '"d" <= CAST($5 AS DATE)',
        '"t" >= CAST($6 AS TIMESTAMP)',
        '"n" < CAST($7 AS BIGINT)',
      ],
      params: [1, 1.5, 'a', true, '2024-01-01', '2024-01-01T00:00:00Z', 9007199254740993n],
    });
  });

  it('writes comparisons with typed placeholders for PostgreSQL', () => {
    expect(
      build(
        [
          f('n', 'eq', [1]),
          f('f', 'eq', [1.5]),
          f('s', 'eq', ['a']),
          f('b', 'eq', [false]),
          f('d', 'eq', ['2024-01-01']),
          f('t', 'eq', ['2024-01-01T00:00:00Z']),
        ],
        'postgres',
      ).conditions,
    ).toEqual([
      '"n" = $1::bigint',
      '"f" = $2::double precision',
      '"s" = $3',
      '"b" = $4::boolean',
      '"d" = $5::date',
      '"t" = $6',
    ]);
  });

  // Found by test/engine/query-properties.test.ts: under a linguistic collation PostgreSQL
  // said "b" > "B" and "É" < "f", DuckDB (byte order) the opposite.
  it('compares text by code point on PostgreSQL, equality and like as they are', () => {
    const ops = ['gt', 'gte', 'lt', 'lte', 'eq', 'like'] as const;
    expect(
      build(
        ops.map((op) => f('s', op, ['b'])),
        'postgres',
      ).conditions,
    ).toEqual([
      '"s" COLLATE "C" > $1',
      '"s" COLLATE "C" >= $2',
      '"s" COLLATE "C" < $3',
      '"s" COLLATE "C" <= $4',
      '"s" = $5',
      `"s" LIKE $6 ESCAPE '\\'`,
    ]);
    expect(build([f('n', 'gt', [1])], 'postgres').conditions).toEqual(['"n" > $1::bigint']);
  });

  it('writes like and ilike with a declared escape character', () => {
    for (const dialect of ['duckdb', 'postgres'] as const) {
      expect(build([f('s', 'like', ['a%']), f('s', 'ilike', ['%b\\_'])], dialect)).toEqual({
        conditions: [`"s" LIKE $1 ESCAPE '\\'`, `"s" ILIKE $2 ESCAPE '\\'`],
        params: ['a%', '%b\\_'],
      });
    }
  });

  it('writes in lists, an empty one as FALSE', () => {
    expect(build([f('n', 'in', [1, 2, 3]), f('s', 'in', [])])).toEqual({
      conditions: ['"n" IN (CAST($1 AS BIGINT), CAST($2 AS BIGINT), CAST($3 AS BIGINT))', 'FALSE'],
      params: [1, 2, 3],
    });
  });

  it('writes is without parameters', () => {
    expect(build([f('s', 'is', [null]), f('b', 'is', [true]), f('b', 'is', [false])])).toEqual({
      conditions: ['"s" IS NULL', '"b" IS TRUE', '"b" IS FALSE'],
      params: [],
    });
  });

  it('negates with NOT ( … )', () => {
    expect(
      build([f('n', 'eq', [5], true), f('s', 'is', [null], true), f('s', 'in', [], true)])
        .conditions,
    ).toEqual(['NOT ("n" = CAST($1 AS BIGINT))', 'NOT ("s" IS NULL)', 'NOT (FALSE)']);
  });

  it('quotes odd column names and keeps values out of the SQL', () => {
    const evil = `x' OR '1'='1'; DROP TABLE t; --`;
    const { conditions, params } = build([
      f('we"ird; --', 'eq', [evil]),
      f('s', 'in', [evil, 'ok']),
    ]);
    expect(conditions).toEqual(['"we""ird; --" = $1', '"s" IN ($2, $3)']);
    expect(params).toEqual([evil, evil, 'ok']);
    expect(conditions.join(' ')).not.toContain('DROP');
  });

  it('only uses schema columns', () => {
    expect(() => build([f('nope', 'eq', ['1'])])).toThrow(UnknownColumnError);
  });

  it('refuses malformed filters instead of binding guesses', () => {
    expect(() => build([f('n', 'eq', [])])).toThrow(TypeError);
    expect(() => build([f('s', 'is', ['x'])])).toThrow(TypeError);
  });
});

describe('whereClause', () => {
  it('joins conditions with AND', () => {
    expect(whereClause([])).toBe('');
    expect(whereClause(['a', 'NOT (b)'])).toBe(' WHERE a AND NOT (b)');
  });
});
