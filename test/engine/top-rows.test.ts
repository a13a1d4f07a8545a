/**
 * A page ordered by a column, read first from the last row groups (src/engine/sources/top-rows.ts),
 * is exactly the page of the whole table: random filters, orders, limits and offsets through
 * the file source and straight on DuckDB over the same Parquet (small row groups, ts ascending
 * with ties and NULLs, a band that only early rows have, so narrowing must widen or give up).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/engine/catalog.js';
import { toScalar } from '../../src/engine/cell.js';
import { type DuckDb, createDuckDb } from '../../src/engine/duckdb.js';
import type { DatasetSource, ServedDataset } from '../../src/engine/sources/dataset-source.js';
import { createFileSource } from '../../src/engine/sources/file-source.js';
import { type SqlRunner, answerRows } from '../../src/engine/sources/sql-answers.js';
import { parseRowsQuery } from '../../src/engine/sql/parse-rows-query.js';
import type { ColumnInfo } from '../../src/shared/api-types.js';

const ROWS = 40_000;
const COLUMNS: ColumnInfo[] = [
  { name: 'ts', type: 'timestamp', nullable: true },
  { name: 'day', type: 'date', nullable: false },
  { name: 'seq', type: 'integer', nullable: false },
  { name: 'band', type: 'string', nullable: false },
];
const BANDS = ['20m', '40m', '80m', 'rare'];

let dir: string;
let db: DuckDb;
let source: DatasetSource;
let runner: SqlRunner;
let dataset: ServedDataset;
const statements: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dashport-top-rows-'));
  const cacheDir = path.join(dir, 'cache');
  const datasetDir = path.join(cacheDir, 'datasets', 'spots');
  await mkdir(datasetDir, { recursive: true });
  const inner = await createDuckDb({ threads: 1, connections: 2, queryTimeoutMs: 60_000 });
  db = {
    ...inner,
    query: (sql, params) => {
      statements.push(sql);
      return inner.query(sql, params);
    },
  };
  const parquet = path.join(datasetDir, 'data.parquet');
  // Three rows per instant (ties), a NULL time now and then, 'rare' only in the first tenth.
  await db.run(`COPY (SELECT
      CASE WHEN i % 997 = 5 THEN NULL ELSE make_timestamp(1730419200000000 + (i // 3) * 60000000) END AS ts,
      (DATE '2024-11-01' + CAST(i // 2000 AS INTEGER)) AS day,
      i AS seq,
      CASE WHEN i < ${ROWS / 10} AND i % 50 = 0 THEN 'rare'
        ELSE ['20m', '40m', '80m'][(1 + hash(i) % 3)::BIGINT] END AS band
    FROM range(${ROWS}) r(i)) TO '${parquet}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  await db.run(`CREATE VIEW spots_base AS SELECT * FROM read_parquet('${parquet}')`);
  const catalog = {
    has: (id: string) => id === 'spots',
    get: () => ({ manifest: { parquetFile: 'data.parquet' } }),
  } as unknown as Catalog;
  source = createFileSource({ catalog, db, cacheDir });
  dataset = {
    id: 'spots',
    version: 'v1',
    updatedAt: undefined,
    columns: COLUMNS,
    relation: 'spots_base',
  };
  runner = {
    dialect: 'duckdb',
    async query(statement) {
      const result = await inner.query(statement.sql, statement.params);
      return { columns: result.columns, rows: result.rows.map((row) => row.map(toScalar)) };
    },
  };
}, 60_000);

afterAll(async () => {
  db?.close();
  await rm(dir, { recursive: true, force: true });
});

const minute = (m: number) => new Date(Date.UTC(2024, 10, 1) + m * 60_000).toISOString();

describe('a page ordered by a column', () => {
  it('is the same read from the last row groups as from the whole table', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          column: fc.constantFrom('ts', 'day', 'seq'),
          direction: fc.constantFrom('asc', 'desc'),
          nulls: fc.constantFrom(undefined, 'first', 'last'),
          tieBreak: fc.boolean(),
          limit: fc.integer({ min: 1, max: 60 }),
          offset: fc.oneof(fc.constantFrom(0, 7, 5000), fc.integer({ min: 0, max: 2500 })),
          bands: fc.option(fc.subarray(BANDS, { minLength: 1 }), { nil: undefined }),
          from: fc.option(fc.integer({ min: 0, max: Math.floor(ROWS / 3) }), { nil: undefined }),
          to: fc.option(fc.integer({ min: 0, max: Math.floor(ROWS / 3) }), { nil: undefined }),
        }),
        async (q) => {
          const order = `${q.column}.${q.direction}${q.nulls === undefined ? '' : `.nulls${q.nulls}`}`;
          const raw: Record<string, string | string[]> = {
            order: q.tieBreak ? `${order},seq.asc` : order,
            limit: String(q.limit),
            offset: String(q.offset),
          };
          const ts: string[] = [];
          if (q.from !== undefined) ts.push(`gte.${minute(q.from)}`);
          if (q.to !== undefined) ts.push(`lt.${minute(q.to)}`);
          if (ts.length > 0) raw['filter.ts'] = ts;
          if (q.bands !== undefined) raw['filter.band'] = `in.(${q.bands.join(',')})`;
          const query = parseRowsQuery(raw, COLUMNS);
          const got = await source.rows(dataset, query);
          const want = await answerRows(runner, dataset, query);
          // Without a tie-break, rows tied on the order column may come in any order.
          const shown = (rows: readonly (readonly unknown[])[]) =>
            q.tieBreak
              ? rows
              : rows.map((row) => row[COLUMNS.findIndex((c) => c.name === q.column)]);
          expect(shown(got.rows), JSON.stringify(raw)).toEqual(shown(want.rows));
        },
      ),
      { numRuns: 120 },
    );
  }, 120_000);

  it('reads only the last row groups for the latest rows', async () => {
    const query = parseRowsQuery({ order: 'ts.desc', limit: '25' }, COLUMNS);
    statements.length = 0;
    const page = await source.rows(dataset, query);
    expect(page.rows).toHaveLength(25);
    const rowStatements = statements.filter((sql) => sql.includes('FROM "spots_base"'));
    expect(rowStatements).toHaveLength(1);
    expect(rowStatements[0]).toMatch(/"ts" >= /);
  });

  it('does not take a page the last row group only half fills', async () => {
    const last = await db.query(
      `SELECT row_group_num_rows FROM parquet_metadata('${path.join(dir, 'cache', 'datasets', 'spots', 'data.parquet')}') WHERE path_in_schema = 'ts' ORDER BY row_group_id DESC LIMIT 1`,
    );
    const inLast = Number(last.rows[0]?.[0]);
    const query = parseRowsQuery(
      { order: 'seq.desc', limit: '40', offset: String(inLast - 20) },
      COLUMNS,
    );
    const page = await source.rows(dataset, query);
    expect(page.rows).toHaveLength(40);
    expect(page.rows).toEqual((await answerRows(runner, dataset, query)).rows);
  });

  it('widens, then reads everything, for rows only the first row groups have', async () => {
    const query = parseRowsQuery(
      { order: 'ts.desc', limit: '25', 'filter.band': 'eq.rare' },
      COLUMNS,
    );
    statements.length = 0;
    const page = await source.rows(dataset, query);
    expect(page.rows).toHaveLength(25);
    const rowStatements = statements.filter((sql) => sql.includes('FROM "spots_base"'));
    expect(rowStatements.length).toBeGreaterThan(1);
    expect(rowStatements.at(-1)).not.toMatch(/"ts" >= /);
  });
});
