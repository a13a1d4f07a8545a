/**
 * Runs built statements against a real in-memory DuckDB: the SQL must be valid, the
 * parameters must bind, and the answers must be right.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binIndex } from '../../analysis/histogram.js';
import {
  aggregateBinEdges,
  buildAggregateSql,
  buildBinRangeSql,
  type BinRange,
} from './build-aggregate-sql.js';
import { buildCountSql, buildRowsSql } from './build-rows-sql.js';
import { parseAggregateQuery } from './parse-aggregate-query.js';
import { parseRowsQuery } from './parse-rows-query.js';
import type { RawQuery, SchemaColumn, SqlStatement } from './query-types.js';
import { shapeAggregate, type AggregateRow } from './shape-aggregate.js';

const EVIL = '"; DROP TABLE x; --';

/** How many of `values` fall in each bin of `edges`, by histogram.ts's own rule. */
function countBins(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const value of values) {
    const index = binIndex(value, edges);
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}
const schema: readonly SchemaColumn[] = [
  { name: 'id', type: 'integer' },
  { name: 'name', type: 'string' },
  { name: 'price', type: 'float' },
  { name: 'active', type: 'boolean' },
  { name: 'day', type: 'date' },
  { name: 'ts', type: 'timestamp' },
  { name: 'my col', type: 'string' },
  { name: EVIL, type: 'string' },
  { name: 'band', type: 'string' },
  { name: 'limit', type: 'integer' },
];

const ROWS = [
  `(1, 'apple', 1.5, true, '2024-01-01', '2024-01-01 10:00:00', 'a b', 'x', '20m', 10)`,
  `(2, 'Banana', 2.5, false, '2024-01-01', '2024-01-01 23:30:00', NULL, 'y', '40m', 20)`,
  `(3, 'cherry%', NULL, NULL, '2024-01-02', '2024-01-02 00:15:00', 'c', NULL, '20m', 30)`,
  `(4, NULL, 10.0, true, '2024-01-03', '2024-01-03 12:00:00', 'd', 'z', NULL, 40)`,
  `(5, 'o''brien', 0.3, true, '2024-02-01', '2024-02-01 00:00:00', 'e', 'w', '20m', 50)`,
  `(6, '"; DROP TABLE items; --', 7.0, false, '2024-02-15', '2024-02-15 08:00:00', 'f', 'v', '80m', 60)`,
];

let instance: DuckDBInstance;
let connection: DuckDBConnection;

async function run(statement: SqlStatement): Promise<Record<string, unknown>[]> {
  const prepared = await connection.prepare(statement.sql);
  prepared.bind([...statement.params]);
  const reader = await prepared.runAndReadAll();
  return reader.getRowObjectsJS();
}

async function ids(raw: RawQuery): Promise<number[]> {
  const q = parseRowsQuery({ select: 'id', order: 'id', ...raw }, schema);
  const rows = await run(buildRowsSql('items', q, schema, 'duckdb'));
  return rows.map((row) => row.id as number);
}

async function aggregate(raw: RawQuery, binRange?: BinRange) {
  const q = parseAggregateQuery(raw, schema);
  const rows = await run(
    buildAggregateSql('items', q, schema, 'duckdb', binRange === undefined ? {} : { binRange }),
  );
  return { q, rows: rows as unknown as AggregateRow[] };
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run(
    `CREATE TABLE items (id INTEGER, name VARCHAR, price DOUBLE, active BOOLEAN, day DATE, ts TIMESTAMP,
      "my col" VARCHAR, """; DROP TABLE x; --" VARCHAR, band VARCHAR, "limit" INTEGER)`,
  );
  await connection.run(`INSERT INTO items VALUES ${ROWS.join(', ')}`);
  await connection.run('CREATE TABLE steps (v DOUBLE)');
  // 0, 0.1, …, 1.0: several of these sit exactly on a bin edge that (v - min) / width misses.
  await connection.run('INSERT INTO steps SELECT i / 10 FROM range(0, 11) AS r(i)');
});

afterAll(() => {
  connection?.closeSync();
  instance?.closeSync();
});

describe('rows statements in DuckDB', () => {
  it('answers every operator', async () => {
    expect(await ids({ id: 'eq.2' })).toEqual([2]);
    expect(await ids({ id: 'neq.2' })).toEqual([1, 3, 4, 5, 6]);
    expect(await ids({ price: 'gt.2.5' })).toEqual([4, 6]);
    expect(await ids({ price: 'gte.2.5' })).toEqual([2, 4, 6]);
    expect(await ids({ price: 'lt.1.5' })).toEqual([5]);
    expect(await ids({ price: 'lte.1.5' })).toEqual([1, 5]);
    expect(await ids({ name: 'like.*an*' })).toEqual([2]);
    expect(await ids({ name: 'ilike.b*' })).toEqual([2]);
    expect(await ids({ name: 'like.*\\%' })).toEqual([3]);
    expect(await ids({ name: 'like.*%' })).toEqual([1, 2, 3, 5, 6]);
    expect(await ids({ id: 'in.(1,3,99)' })).toEqual([1, 3]);
    expect(await ids({ name: 'in.("o\'brien",apple)' })).toEqual([1, 5]);
    expect(await ids({ name: 'in.()' })).toEqual([]);
    expect(await ids({ price: 'is.null' })).toEqual([3]);
    expect(await ids({ active: 'is.true' })).toEqual([1, 4, 5]);
    expect(await ids({ active: 'is.false' })).toEqual([2, 6]);
    expect(await ids({ active: 'eq.false' })).toEqual([2, 6]);
  });

  it('negates with not. and ANDs filters', async () => {
    expect(await ids({ price: 'not.is.null' })).toEqual([1, 2, 4, 5, 6]);
    expect(await ids({ id: 'not.in.(1,2,3)' })).toEqual([4, 5, 6]);
    expect(await ids({ price: ['gt.1', 'lt.8'], active: 'eq.false' })).toEqual([2, 6]);
  });

  it('compares dates and timestamps, with zone offsets applied', async () => {
    expect(await ids({ day: 'eq.2024-01-01' })).toEqual([1, 2]);
    expect(await ids({ day: 'gte.2024-02-01' })).toEqual([5, 6]);
    expect(await ids({ ts: 'lt.2024-01-02' })).toEqual([1, 2]);
    expect(await ids({ ts: 'eq.2024-01-01T12:00:00+02:00' })).toEqual([1]);
    expect(await ids({ ts: 'gt.2024-01-01T23:30:00.000001Z' })).toEqual([3, 4, 5, 6]);
  });

  it('keeps injection attempts inert', async () => {
    for (const evil of [`x' OR '1'='1`, `'; DROP TABLE items; --`, `1 OR 1=1`]) {
      expect(await ids({ name: `eq.${evil}` })).toEqual([]);
      expect(await ids({ name: `like.${evil}` })).toEqual([]);
    }
    expect(await ids({ name: `eq."; DROP TABLE items; --` })).toEqual([6]);
    expect(await run({ sql: 'SELECT count(*) AS n FROM items', params: [] })).toEqual([{ n: 6n }]);
  });

  it('selects, filters and orders odd column names', async () => {
    const quotedEvil = `"${EVIL.replaceAll('"', '\\"')}"`;
    const q = parseRowsQuery(
      {
        select: `id,${quotedEvil},my col`,
        [`filter.${EVIL}`]: 'not.is.null',
        order: `${quotedEvil}.desc`,
      },
      schema,
    );
    const rows = await run(buildRowsSql('items', q, schema, 'duckdb'));
    expect(rows).toEqual([
      { id: 4, [EVIL]: 'z', 'my col': 'd' },
      { id: 2, [EVIL]: 'y', 'my col': null },
      { id: 1, [EVIL]: 'x', 'my col': 'a b' },
      { id: 5, [EVIL]: 'w', 'my col': 'e' },
      { id: 6, [EVIL]: 'v', 'my col': 'f' },
    ]);
  });

  it('filters a column named like a parameter only through filter.', async () => {
    expect(await ids({ limit: '2', 'filter.limit': 'gte.30' })).toEqual([3, 4]);
  });

  it('pages and puts nulls last unless asked', async () => {
    expect(await ids({ order: 'price.desc', limit: '10' })).toEqual([4, 6, 2, 1, 5, 3]);
    expect(await ids({ order: 'price.desc.nullsfirst', limit: '2', offset: '1' })).toEqual([4, 6]);
    expect(await ids({ limit: '0' })).toEqual([]);
  });

  it('counts filtered rows', async () => {
    const q = parseRowsQuery({ band: 'eq.20m' }, schema);
    expect(await run(buildCountSql('items', q, schema, 'duckdb'))).toEqual([{ n: 3n }]);
  });
});

describe('aggregate statements in DuckDB', () => {
  it('counts everything without x', async () => {
    const { q, rows } = await aggregate({});
    expect(rows).toEqual([{ x: 'all', g: null, v: 6, n: 6n }]);
    expect(shapeAggregate(rows, q)).toEqual({
      x: ['all'],
      series: [{ name: 'count', y: [6] }],
      rowsScanned: 6,
    });
  });

  it('buckets time and groups with a top N and other', async () => {
    const { q, rows } = await aggregate({ x: 'day', bucket: 'month', group: 'band', top: '1' });
    expect(shapeAggregate(rows, q)).toEqual({
      x: ['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z'],
      series: [
        { name: '20m', y: [2, 1] },
        { name: 'other', y: [2, 1] },
      ],
      rowsScanned: 6,
    });
  });

  it('labels NULL groups "null"', async () => {
    const { q, rows } = await aggregate({ group: 'band', agg: 'sum', y: 'price' });
    expect(shapeAggregate(rows, q).series).toEqual([
      { name: '20m', y: [1.8] },
      { name: '40m', y: [2.5] },
      { name: '80m', y: [7] },
      { name: 'null', y: [10] },
    ]);
  });

  it('computes every aggregate function', async () => {
    const one = async (raw: RawQuery) => {
      const { q, rows } = await aggregate(raw);
      return shapeAggregate(rows, q).series[0]?.y[0];
    };
    expect(await one({ agg: 'sum', y: 'id' })).toBe(21);
    expect(await one({ agg: 'mean', y: 'price' })).toBeCloseTo(4.26);
    expect(await one({ agg: 'median', y: 'price' })).toBe(2.5);
    expect(await one({ agg: 'min', y: 'price' })).toBe(0.3);
    expect(await one({ agg: 'max', y: 'id' })).toBe(6);
    expect(await one({ agg: 'max', y: 'ts' })).toBe(Date.UTC(2024, 1, 15, 8));
    expect(await one({ agg: 'min', y: 'day' })).toBe(Date.UTC(2024, 0, 1));
    expect(await one({ agg: 'min', y: 'active' })).toBe(0);
    expect(await one({ agg: 'distinct', y: 'band' })).toBe(3);
  });

  it('groups a raw x and applies filters', async () => {
    const { q, rows } = await aggregate({ x: 'band', agg: 'mean', y: 'price', active: 'eq.true' });
    expect(shapeAggregate(rows, q)).toEqual({
      x: ['20m', null],
      series: [{ name: 'mean(price)', y: [0.9, 10] }],
      rowsScanned: 3,
    });
  });

  it('bins a numeric x over the range buildBinRangeSql finds', async () => {
    const q = parseAggregateQuery({ x: 'price', bins: '3' }, schema);
    const [range] = await run(buildBinRangeSql('items', q, schema, 'duckdb'));
    expect(range).toEqual({ min: 0.3, max: 10 });
    const binRange = range as unknown as BinRange;
    const { rows } = await aggregate({ x: 'price', bins: '3' }, binRange);
    const edges = aggregateBinEdges(q, binRange);
    const expected = countBins([1.5, 2.5, 10, 0.3, 7], edges);
    expect(shapeAggregate(rows, q, edges)).toEqual({
      x: edges.slice(0, -1),
      series: [{ name: 'count', y: expected }],
      rowsScanned: 5,
    });
  });

  it('puts values lying on a bin edge where histogramEdges says', async () => {
    const stepsSchema: readonly SchemaColumn[] = [{ name: 'v', type: 'float' }];
    const q = parseAggregateQuery({ x: 'v', bins: '10' }, stepsSchema);
    const rows = await run(
      buildAggregateSql('steps', q, stepsSchema, 'duckdb', { binRange: { min: 0, max: 1 } }),
    );
    const edges = aggregateBinEdges(q, { min: 0, max: 1 });
    const expected = countBins(
      Array.from({ length: 11 }, (_, i) => i / 10),
      edges,
    );
    expect(shapeAggregate(rows as unknown as AggregateRow[], q, edges).series[0]?.y).toEqual(
      expected,
    );
    expect(expected).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
  });

  it('bins a constant column into one bin', async () => {
    const q = parseAggregateQuery({ x: 'price', bins: '4', id: 'eq.1' }, schema);
    const [range] = await run(buildBinRangeSql('items', q, schema, 'duckdb'));
    const binRange = range as unknown as BinRange;
    const { rows } = await aggregate({ x: 'price', bins: '4', id: 'eq.1' }, binRange);
    expect(shapeAggregate(rows, q, aggregateBinEdges(q, binRange))).toEqual({
      x: [1],
      series: [{ name: 'count', y: [1] }],
      rowsScanned: 1,
    });
  });
});
