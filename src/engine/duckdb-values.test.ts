import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuckDb, createDuckDb } from './duckdb.js';
import { floorDivide, parameterType } from './duckdb-values.js';

describe('floorDivide', () => {
  it('rounds toward −∞ where bigint division rounds toward zero', () => {
    expect(floorDivide(7n, 2n)).toBe(3n);
    expect(floorDivide(-7n, 2n)).toBe(-4n);
    expect(floorDivide(-500n, 1000n)).toBe(-1n);
    expect(floorDivide(-1000n, 1000n)).toBe(-1n);
    expect(floorDivide(0n, 1000n)).toBe(0n);
  });
});

describe('timestamps read from DuckDB', () => {
  let db: DuckDb;
  beforeAll(async () => {
    db = await createDuckDb({ threads: 1, connections: 1, queryTimeoutMs: 10_000 });
  });
  afterAll(() => db.close());

  // Found by test/engine/query-properties.test.ts: bigint division moved pre-1970 instants
  // with a sub-millisecond part forward, across second, day and year boundaries.
  it('keeps a pre-1970 instant in its own millisecond (rounded down, as PostgreSQL reads it)', async () => {
    const sql =
      "SELECT TIMESTAMP '1969-12-31 23:59:59.9995' AS a, TIMESTAMPTZ '1969-12-31 23:59:59.9995+00' AS b, " +
      "CAST('1938-04-24 22:13:20.000001' AS TIMESTAMP_NS) AS c, TIMESTAMP '2024-01-01 00:00:00.123456' AS d, " +
      "[TIMESTAMP '1969-12-31 23:59:59.9999'] AS e";
    const { rows } = await db.query(sql);
    expect(rows[0]).toEqual([
      '1969-12-31T23:59:59.999Z',
      '1969-12-31T23:59:59.999Z',
      '1938-04-24T22:13:20.000Z',
      '2024-01-01T00:00:00.123Z',
      ['1969-12-31T23:59:59.999Z'],
    ]);
  });

  it('streams timestamps the same way', async () => {
    const chunks = [];
    for await (const chunk of db.stream("SELECT TIMESTAMP '1969-12-31 23:59:59.9995' AS a")) {
      chunks.push(...chunk.rows);
    }
    expect(chunks).toEqual([['1969-12-31T23:59:59.999Z']]);
  });
});

describe('parameters bound to DuckDB', () => {
  let db: DuckDb;
  beforeAll(async () => {
    db = await createDuckDb({ threads: 1, connections: 1, queryTimeoutMs: 10_000 });
  });
  afterAll(() => db.close());

  it('types every bound value, integral floats past 2^53 as DOUBLE', () => {
    expect(
      [1, 2 ** 40, 2 ** 63, 1.5, -0, 2n, 'x', true, null].map((v) => String(parameterType(v))),
    ).toEqual([
      'INTEGER',
      'BIGINT',
      'DOUBLE',
      'DOUBLE',
      'DOUBLE',
      'HUGEINT',
      'VARCHAR',
      'BOOLEAN',
      'SQLNULL',
    ]);
  });

  // Found by test/engine/query-properties.test.ts: bins over a BIGINT column spanning the int64
  // range bound the edge 9.223372036854776e18 as an integer, and the request failed with a 500.
  it('binds a float beyond the int64 range', async () => {
    const { rows } = await db.query(
      'SELECT CAST($1 AS DOUBLE) AS high, CAST($2 AS DOUBLE) AS low',
      [2 ** 63, -(2 ** 64)],
    );
    expect(rows).toEqual([[2 ** 63, -(2 ** 64)]]);
  });
});
