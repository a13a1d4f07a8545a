/**
 * Property tests of the query API (fast-check): random filters, orders, pages, selections and
 * aggregates over random tables, each table served twice — as a Parquet file dataset (DuckDB)
 * and as a PostgreSQL table (pushdown) — through the real app (`inject()`), and both answers
 * checked against the oracle in test/helpers/model-oracle.ts. The same query must give the same
 * answer on both engines.
 *
 * Reproducible: a fixed seed by default. FC_SEED=<n> and FC_NUM_RUNS=<n> override it (the seed
 * of a failure is in its message); the tables are drawn from the same seed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDb } from '../../src/engine/duckdb.js';
import { quoteIdent } from '../../src/engine/sql/identifiers.js';
import type { CellValue } from '../../src/shared/api-types.js';
import {
  type ExpectedAggregate,
  type ExpectedRows,
  expectedAggregate,
  expectedRows,
} from '../helpers/model-oracle.js';
import { aggregateQueryArbitrary, rowsQueryArbitrary } from '../helpers/random-query.js';
import {
  MODEL_COLUMNS,
  type ModelTable,
  PG_TEXT_COLLATION,
  sampleTables,
  sqlText,
} from '../helpers/random-table.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';
import { type TestApp, createTestApp } from '../helpers/test-app.js';
import {
  TEST_DATABASE_URL,
  dropSchema,
  requirePostgres,
  scratchSchemaName,
  withClient,
} from './postgres/private-postgres.js';

const SEED = Number(process.env.FC_SEED ?? 20_261_209);
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 150);
/** Table sizes: empty, one row, a few, and a few dozen (ties, groups, pages). */
const TABLE_SIZES = [0, 1, 3, 12, 25, 40, 40];

const tables = sampleTables(SEED, TABLE_SIZES);
const schema = scratchSchemaName('dashport_props');

async function writeParquet(dataDir: string): Promise<void> {
  const db = await createDuckDb({ threads: 1, connections: 1, queryTimeoutMs: 30_000 });
  try {
    for (const table of tables) {
      const name = quoteIdent(table.name);
      const columns = MODEL_COLUMNS.map((c) => `${quoteIdent(c.name)} ${c.duckType}`).join(', ');
      await db.run(`CREATE TABLE ${name} (${columns})`);
      for (const row of table.rows) {
        const cells = MODEL_COLUMNS.map((c, i) => `CAST($${i + 1} AS ${c.duckType})`);
        await db.run(
          `INSERT INTO ${name} VALUES (${cells.join(', ')})`,
          MODEL_COLUMNS.map((c, i) => sqlText(c, row[i] ?? null)),
        );
      }
      await db.run(`COPY ${name} TO '${dataDir}/${table.name}.parquet' (FORMAT parquet)`);
    }
  } finally {
    db.close();
  }
}

async function writePostgres(): Promise<void> {
  await withClient(TEST_DATABASE_URL, async (client) => {
    const collations = await client.query('SELECT 1 FROM pg_collation WHERE collname = $1', [
      PG_TEXT_COLLATION,
    ]);
    // A linguistic collation where the server has one (ICU builds), as production databases do.
    const collate = collations.rowCount === 0 ? '' : ` COLLATE ${quoteIdent(PG_TEXT_COLLATION)}`;
    await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    for (const table of tables) {
      const name = `${quoteIdent(schema)}.${quoteIdent(table.name)}`;
      const columns = MODEL_COLUMNS.map(
        (c) =>
          `${quoteIdent(c.name)} ${c.pgType}${c.type === 'string' && c.name !== 'cat' ? collate : ''}`,
      ).join(', ');
      await client.query(`CREATE TABLE ${name} (${columns})`);
      for (const row of table.rows) {
        const cells = MODEL_COLUMNS.map((c, i) => `$${i + 1}::${c.pgType}`);
        await client.query(
          `INSERT INTO ${name} VALUES (${cells.join(', ')})`,
          MODEL_COLUMNS.map((c, i) => sqlText(c, row[i] ?? null)),
        );
      }
      await client.query(`ANALYZE ${name}`);
    }
  });
}

/** The ids of one table on both engines. */
function datasets(table: ModelTable): [engine: string, id: string][] {
  return [
    ['duckdb', table.name],
    ['postgres', `pg.${table.name}`],
  ];
}

/** Where `actual` differs from `expected` (numbers within `tolerance`), or undefined. */
function cellDifference(expected: CellValue, actual: unknown, tolerance = 0): string | undefined {
  if (typeof expected === 'number' && typeof actual === 'number') {
    // JSON has one zero: -0 and 0 are the same cell.
    const close = expected === actual || Math.abs(expected - actual) <= tolerance;
    return close ? undefined : `${actual} instead of ${expected}`;
  }
  return Object.is(expected, actual)
    ? undefined
    : `${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`;
}

function rowsDifference(expected: ExpectedRows, actual: unknown): string | undefined {
  const body = actual as ExpectedRows;
  if (JSON.stringify(body.columns) !== JSON.stringify(expected.columns)) {
    return `columns ${JSON.stringify(body.columns)} instead of ${JSON.stringify(expected.columns)}`;
  }
  if (body.limit !== expected.limit || body.offset !== expected.offset)
    return 'limit/offset differ';
  if (body.rows.length !== expected.rows.length) {
    return `${body.rows.length} rows instead of ${expected.rows.length}: ${JSON.stringify(body.rows)} vs ${JSON.stringify(expected.rows)}`;
  }
  for (const [r, row] of expected.rows.entries()) {
    for (const [c, cell] of row.entries()) {
      const difference = cellDifference(cell, body.rows[r]?.[c]);
      if (difference !== undefined) return `row ${r} column ${expected.columns[c]}: ${difference}`;
    }
  }
  return undefined;
}

interface AggregateBody {
  x: CellValue[];
  series: { name: string; y: (number | null)[] }[];
  meta: { rowsScanned: number };
}

function aggregateDifference(expected: ExpectedAggregate, actual: unknown): string | undefined {
  const body = actual as AggregateBody;
  if (body.x.length !== expected.x.length) {
    return `x ${JSON.stringify(body.x)} instead of ${JSON.stringify(expected.x)}`;
  }
  for (const [i, cell] of expected.x.entries()) {
    const difference = cellDifference(
      cell,
      body.x[i],
      typeof cell === 'number' ? Math.abs(cell) * 1e-12 : 0,
    );
    if (difference !== undefined) return `x[${i}]: ${difference} (x ${JSON.stringify(body.x)})`;
  }
  const names = body.series.map((s) => s.name);
  const expectedNames = expected.series.map((s) => s.name);
  if (JSON.stringify(names) !== JSON.stringify(expectedNames)) {
    return `series ${JSON.stringify(names)} instead of ${JSON.stringify(expectedNames)}`;
  }
  for (const [s, series] of expected.series.entries()) {
    for (const [i, want] of series.y.entries()) {
      const difference = cellDifference(want.value, body.series[s]?.y[i], want.tolerance);
      if (difference !== undefined) {
        return `series ${series.name} at x=${JSON.stringify(expected.x[i])}: ${difference}`;
      }
    }
  }
  if (body.meta.rowsScanned !== expected.rowsScanned) {
    return `rowsScanned ${body.meta.rowsScanned} instead of ${expected.rowsScanned}`;
  }
  return undefined;
}

describe('query API properties: DuckDB and PostgreSQL datasets against one oracle', () => {
  let tmp: TempDir;
  let test: TestApp;

  beforeAll(async () => {
    await requirePostgres();
    tmp = await createTempDir('props');
    const dataDir = tmp.join('data');
    await (await import('node:fs/promises')).mkdir(dataDir);
    await writeParquet(dataDir);
    await writePostgres();
    test = await createTestApp({
      dataDir,
      cacheDir: tmp.join('cache'),
      env: { DATABASE_URL: TEST_DATABASE_URL, DASHPORT_PG_SCHEMAS: schema },
    });
  });

  afterAll(async () => {
    await test?.close();
    await dropSchema(schema).catch(() => undefined);
    await tmp?.remove();
  });

  async function get(id: string, endpoint: string, pairs: readonly [string, string][]) {
    const url = `/api/v1/datasets/${encodeURIComponent(id)}/${endpoint}?${new URLSearchParams([...pairs])}`;
    const response = await test.app.inject({ method: 'GET', url });
    if (response.statusCode !== 200) {
      throw new Error(`${url} → ${response.statusCode} ${response.body}`);
    }
    return { url, body: response.json() as unknown };
  }

  it('serves every generated table whole, on both engines', async () => {
    for (const table of tables) {
      const spec = {
        select: undefined,
        order: [{ column: 0, direction: 'asc' as const, nulls: undefined }],
        limit: 10_000,
        offset: undefined,
        filters: [],
        pairs: [
          ['order', 'id'],
          ['limit', '10000'],
        ] as [string, string][],
      };
      const expected = expectedRows(table, spec);
      for (const [engine, id] of datasets(table)) {
        const { body } = await get(id, 'rows', spec.pairs);
        expect(rowsDifference(expected, body), `${engine} ${id}`).toBeUndefined();
      }
    }
  });

  it('rows: filters, order, limit, offset and select agree with the oracle', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...tables)
          .chain((table) => rowsQueryArbitrary(table).map((spec) => ({ table, spec }))),
        async ({ table, spec }) => {
          const expected = expectedRows(table, spec);
          for (const [engine, id] of datasets(table)) {
            const { url, body } = await get(id, 'rows', spec.pairs);
            const difference = rowsDifference(expected, body);
            if (difference !== undefined) throw new Error(`${engine}: ${url}\n${difference}`);
          }
        },
      ),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });

  it('aggregate: functions, x, buckets, bins, groups and top agree with the oracle', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...tables)
          .chain((table) => aggregateQueryArbitrary(table).map((spec) => ({ table, spec }))),
        async ({ table, spec }) => {
          const expected = expectedAggregate(table, spec);
          for (const [engine, id] of datasets(table)) {
            const { url, body } = await get(id, 'aggregate', spec.pairs);
            const difference = aggregateDifference(expected, body);
            if (difference !== undefined) throw new Error(`${engine}: ${url}\n${difference}`);
          }
        },
      ),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });
});
