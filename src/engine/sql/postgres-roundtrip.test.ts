/**
 * Runs built statements in the PostgreSQL dialect against the real test database
 * (TEST_DATABASE_URL): the SQL must be valid there, the parameters must bind, and the answers
 * must match DuckDB's. Temporary tables only, so parallel test runs do not collide.
 */
import pg from 'pg';
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

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TIMESTAMP_OID = 1114;
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
  { name: 'tsz', type: 'timestamp' },
  { name: EVIL, type: 'string' },
  { name: 'band', type: 'string' },
];

const ROWS = [
  `(1, 'apple', 1.5, true, '2024-01-01', '2024-01-01 10:00:00', '2024-01-01 10:00:00Z', 'x', '20m')`,
  `(2, 'Banana', 2.5, false, '2024-01-01', '2024-01-01 23:30:00', '2024-01-01 23:30:00Z', 'y', '40m')`,
  `(3, 'cherry%', NULL, NULL, '2024-01-02', '2024-01-02 00:15:00', '2024-01-02 00:15:00Z', NULL, '20m')`,
  `(4, NULL, 10.0, true, '2024-01-03', '2024-01-03 12:00:00', '2024-01-03 12:00:00Z', 'z', NULL)`,
  `(5, 'o''brien', 0.3, true, '2024-02-01', '2024-02-01 00:00:00', '2024-02-01 00:00:00Z', 'w', '20m')`,
  `(6, '"; DROP TABLE items; --', 7.0, false, '2024-02-15', '2024-02-15 08:00:00', '2024-02-15 08:00:00Z', 'v', '80m')`,
];

// A timestamp without time zone is UTC here, as everywhere in Dashport, not the test's local time.
const client = new pg.Client({
  connectionString: DATABASE_URL,
  types: {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === TIMESTAMP_OID
        ? (text: string) => new Date(`${text.replace(' ', 'T')}Z`)
        : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  },
});

async function run(statement: SqlStatement): Promise<Record<string, unknown>[]> {
  const result = await client.query(statement.sql, [...statement.params]);
  return result.rows as Record<string, unknown>[];
}

async function ids(raw: RawQuery): Promise<number[]> {
  const q = parseRowsQuery({ select: 'id', order: 'id', ...raw }, schema);
  return (await run(buildRowsSql('items', q, schema, 'postgres'))).map((row) => row.id as number);
}

async function aggregate(raw: RawQuery, binRange?: BinRange) {
  const q = parseAggregateQuery(raw, schema);
  const options = binRange === undefined ? {} : { binRange };
  const rows = await run(buildAggregateSql('items', q, schema, 'postgres', options));
  return shapeAggregate(
    rows as unknown as AggregateRow[],
    q,
    binRange && aggregateBinEdges(q, binRange),
  );
}

beforeAll(async () => {
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test): ${String(error)}`,
      { cause: error },
    );
  }
  await client.query(`SET TimeZone = 'UTC'`);
  await client.query(
    `CREATE TEMP TABLE items (id integer, name text, price double precision, active boolean, day date,
      ts timestamp, tsz timestamptz, """; DROP TABLE x; --" varchar(20), band text)`,
  );
  await client.query(`INSERT INTO items VALUES ${ROWS.join(', ')}`);
  await client.query('CREATE TEMP TABLE steps (v double precision)');
  await client.query('INSERT INTO steps SELECT i / 10.0::float8 FROM generate_series(0, 10) AS i');
});

afterAll(async () => {
  await client.end();
});

describe('rows statements in PostgreSQL', () => {
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
    expect(await ids({ id: 'in.(1,3,99)' })).toEqual([1, 3]);
    expect(await ids({ id: 'in.(9223372036854775807,2)' })).toEqual([2]);
    expect(await ids({ name: 'in.()' })).toEqual([]);
    expect(await ids({ price: 'is.null' })).toEqual([3]);
    expect(await ids({ active: 'is.true' })).toEqual([1, 4, 5]);
    expect(await ids({ active: 'not.is.false' })).toEqual([1, 3, 4, 5]);
    expect(await ids({ id: 'not.in.(1,2,3)', active: 'eq.true' })).toEqual([4, 5]);
  });

  it('compares dates, timestamps and timestamptz with zone offsets applied', async () => {
    expect(await ids({ day: 'gte.2024-02-01' })).toEqual([5, 6]);
    expect(await ids({ ts: 'eq.2024-01-01T12:00:00+02:00' })).toEqual([1]);
    expect(await ids({ tsz: 'eq.2024-01-01T12:00:00+02:00' })).toEqual([1]);
    expect(await ids({ tsz: 'lt.2024-01-02' })).toEqual([1, 2]);
  });

  it('keeps injection attempts inert and quotes odd names', async () => {
    for (const evil of [`x' OR '1'='1`, `'; DROP TABLE items; --`, `$$; SELECT 1; $$`]) {
      expect(await ids({ name: `eq.${evil}` })).toEqual([]);
    }
    expect(await ids({ [`filter.${EVIL}`]: 'in.(x,z)' })).toEqual([1, 4]);
    const q = parseRowsQuery(
      { select: `"${EVIL.replaceAll('"', '\\"')}"`, order: 'id.desc', limit: '2' },
      schema,
    );
    expect(await run(buildRowsSql('items', q, schema, 'postgres'))).toEqual([
      { [EVIL]: 'v' },
      { [EVIL]: 'w' },
    ]);
    expect(await run(buildCountSql('items', { filters: [] }, schema, 'postgres'))).toEqual([
      { n: '6' },
    ]);
  });

  it('pages and puts nulls last unless asked', async () => {
    expect(await ids({ order: 'price.desc' })).toEqual([4, 6, 2, 1, 5, 3]);
    expect(await ids({ order: 'price.desc.nullsfirst', limit: '2', offset: '1' })).toEqual([4, 6]);
  });
});

describe('aggregate statements in PostgreSQL', () => {
  it('buckets a date column and groups with a top N and other', async () => {
    expect(await aggregate({ x: 'day', bucket: 'month', group: 'band', top: '1' })).toEqual({
      x: ['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z'],
      series: [
        { name: '20m', y: [2, 1] },
        { name: 'other', y: [2, 1] },
      ],
      rowsScanned: 6,
    });
  });

  it('buckets timestamptz', async () => {
    const shaped = await aggregate({ x: 'tsz', bucket: 'day', tsz: 'lt.2024-01-03' });
    expect(shaped.series).toEqual([{ name: 'count', y: [2, 1] }]);
    expect(shaped.x.map((x) => new Date(x as string).toISOString())).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2024-01-02T00:00:00.000Z',
    ]);
  });

  it('computes every aggregate function', async () => {
    const one = async (raw: RawQuery) => (await aggregate(raw)).series[0]?.y[0];
    expect(await one({})).toBe(6);
    expect(await one({ agg: 'sum', y: 'id' })).toBe(21);
    expect(await one({ agg: 'mean', y: 'price' })).toBeCloseTo(4.26);
    expect(await one({ agg: 'median', y: 'price' })).toBe(2.5);
    expect(await one({ agg: 'median', y: 'id' })).toBe(3.5);
    expect(await one({ agg: 'min', y: 'price' })).toBe(0.3);
    expect(await one({ agg: 'max', y: 'ts' })).toBe(Date.UTC(2024, 1, 15, 8));
    expect(await one({ agg: 'max', y: 'tsz' })).toBe(Date.UTC(2024, 1, 15, 8));
    expect(await one({ agg: 'min', y: 'day' })).toBe(Date.UTC(2024, 0, 1));
    expect(await one({ agg: 'max', y: 'active' })).toBe(1);
    expect(await one({ agg: 'distinct', y: 'band' })).toBe(3);
  });

  it('labels NULL groups "null" and orders series by size', async () => {
    expect((await aggregate({ group: 'band' })).series).toEqual([
      { name: '20m', y: [3] },
      { name: '40m', y: [1] },
      { name: '80m', y: [1] },
      { name: 'null', y: [1] },
    ]);
  });

  it('bins like DuckDB and histogramEdges, edges included', async () => {
    const q = parseAggregateQuery({ x: 'price', bins: '3' }, schema);
    const [range] = await run(buildBinRangeSql('items', q, schema, 'postgres'));
    expect(range).toEqual({ min: 0.3, max: 10 });
    const binRange = range as unknown as BinRange;
    const edges = aggregateBinEdges(q, binRange);
    const expected = countBins([1.5, 2.5, 10, 0.3, 7], edges);
    expect((await aggregate({ x: 'price', bins: '3' }, binRange)).series).toEqual([
      { name: 'count', y: expected },
    ]);

    const stepsSchema: readonly SchemaColumn[] = [{ name: 'v', type: 'float' }];
    const steps = parseAggregateQuery({ x: 'v', bins: '10' }, stepsSchema);
    const stepRange = { min: 0, max: 1 };
    const rows = await run(
      buildAggregateSql('steps', steps, stepsSchema, 'postgres', { binRange: stepRange }),
    );
    const shaped = shapeAggregate(
      rows as unknown as AggregateRow[],
      steps,
      aggregateBinEdges(steps, stepRange),
    );
    expect(shaped.series[0]?.y).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
  });
});
