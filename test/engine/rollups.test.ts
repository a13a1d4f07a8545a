/**
 * Rollups answer exactly what the base table answers: random aggregate queries (x, bucket,
 * group, top, aggregate, filters) run through the rollup source and straight on the base table
 * over the same data in a real DuckDB; a covered query never reaches the base table, an
 * uncovered one always does.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDashboards } from '../../src/dashboards/load-dashboards.js';
import type { Manifest } from '../../src/engine/cache-store.js';
import { toScalar } from '../../src/engine/cell.js';
import { type DuckDb, createDuckDb } from '../../src/engine/duckdb.js';
import { buildRollups } from '../../src/engine/rollups/build-rollups.js';
import { createRollupSource } from '../../src/engine/rollups/rollup-source.js';
import { manifestVersion, readRollupList } from '../../src/engine/rollups/rollup-store.js';
import type { DatasetSource, ServedDataset } from '../../src/engine/sources/dataset-source.js';
import { type SqlRunner, answerAggregate } from '../../src/engine/sources/sql-answers.js';
import { parseAggregateQuery } from '../../src/engine/sql/parse-aggregate-query.js';
import type { RawQuery } from '../../src/engine/sql/query-types.js';
import type { ShapedAggregate } from '../../src/engine/sql/shape-aggregate.js';
import type { ColumnInfo } from '../../src/shared/api-types.js';

const ROWS = 50_000;
/** Statistics as the cache build records them (rollup sizes are estimated from them). */
function stats(distinct: number, nulls = 0, min: string | null = null, max: string | null = null) {
  return { count: ROWS, nulls, distinct, min, max, mean: null, std: null, quantiles: null };
}
const COLUMNS: ColumnInfo[] = [
  {
    name: 'ts',
    type: 'timestamp',
    nullable: false,
    stats: stats(ROWS, 0, '2024-11-01T00:00:00.000Z', '2024-11-30T23:59:59.000Z'),
  },
  { name: 'band', type: 'string', nullable: true, stats: stats(6, 206) },
  { name: 'mode', type: 'string', nullable: false, stats: stats(3) },
  { name: 'country', type: 'string', nullable: false, stats: stats(14) },
  { name: 'frequency', type: 'float', nullable: true, stats: stats(ROWS, 1539) },
  { name: 'power', type: 'integer', nullable: false, stats: stats(1000) },
  { name: 'callsign', type: 'string', nullable: true, stats: stats(3000, 1077) },
];
const BANDS = ['160m', '80m', '40m', '20m', '15m', '10m'];
const MODES = ['CW', 'SSB', 'FT8'];
const COUNTRIES = 'ABCDEFGHIJKLMN'.split('');

const DASHBOARD = `
title: Rollup test
dataset: spots
filters:
  - column: band
    multiple: true
  - column: mode
  - column: ts
    type: date-range
panels:
  - { id: total, type: number }
  - { id: per-hour, type: area, x: ts, bucket: hour, group: band }
  - { id: countries, type: bar, group: country, top: 5 }
  - { id: modes, type: bar, x: mode }
  - { id: mean-f, type: number, y: frequency, agg: mean }
  - { id: power, type: line, x: ts, bucket: day, y: power, agg: sum, group: mode }
  - { id: last, type: number, y: ts, agg: max }
  - { id: countries-count, type: number, y: country, agg: distinct }
  - { id: stations, type: number, y: callsign, agg: distinct }
`;

let dir: string;
let db: DuckDb;
let dataset: ServedDataset;
let base: DatasetSource;
let baseCalls = 0;
let rollups: DatasetSource;
const outcomes: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dashport-rollups-'));
  const cacheDir = path.join(dir, 'cache');
  const datasetDir = path.join(cacheDir, 'datasets', 'spots');
  await mkdir(datasetDir, { recursive: true });
  await mkdir(path.join(dir, 'dashboards'));
  await writeFile(path.join(dir, 'dashboards', 'rollup-test.yaml'), DASHBOARD);
  db = await createDuckDb({ threads: 1, connections: 2, queryTimeoutMs: 60_000 });
  const list = (items: string[]) => `[${items.map((item) => `'${item}'`).join(', ')}]`;
  const parquet = path.join(datasetDir, 'data.parquet');
  await db.run(`COPY (SELECT
      make_timestamp(1730419200000000 + (i * 2592000000000 // ${ROWS}) + (hash(i) % 1000000)::BIGINT) AS ts,
      CASE WHEN i % 97 = 0 THEN NULL ELSE ${list(BANDS)}[(1 + hash(i, 1) % ${BANDS.length})::BIGINT] END AS band,
      ${list(MODES)}[(1 + hash(i, 2) % ${MODES.length})::BIGINT] AS mode,
      ${list(COUNTRIES)}[(1 + hash(i, 3) % ${COUNTRIES.length})::BIGINT] AS country,
      CASE WHEN i % 13 = 0 THEN NULL ELSE round((hash(i, 4) % 100000)::DOUBLE / 7.0, 3) END AS frequency,
      (hash(i, 5) % 1000)::INTEGER AS power,
      CASE WHEN i % 97 = 0 OR i % 89 = 0 THEN NULL ELSE 'K' || (hash(i, 6) % 3000)::VARCHAR END AS callsign
    FROM range(${ROWS}) r(i)) TO '${parquet}' (FORMAT parquet)`);
  await db.run(`CREATE VIEW spots_base AS SELECT * FROM read_parquet('${parquet}')`);
  const manifest = {
    formatVersion: 1,
    id: 'spots',
    kind: 'parquet',
    location: 'spots.parquet',
    sources: [],
    contentHash: 'c'.repeat(64),
    settingsHash: 's'.repeat(64),
    parquetFile: 'data.parquet',
    analysisFile: 'data.analysis.json',
    columns: COLUMNS,
    rows: ROWS,
    parquetBytes: 0,
    builtAt: new Date().toISOString(),
    buildSeconds: 0,
    dashportVersion: 'test',
  } as Manifest;
  const dashboards = await loadDashboards(path.join(dir, 'dashboards'));
  expect([...dashboards.definitions.keys()]).toEqual(['rollup-test']);
  const built = await buildRollups(manifest, {
    db,
    cacheDir,
    definitions: dashboards.definitions.values(),
    // Small data: let rollups be nearly as large as the table (the default keeps them at
    // half); a callsign dimension would be larger still, so the callsigns get a bitmap
    // (651 groups × 47 words at most).
    maxRowsShare: 0.9,
  });
  expect(built?.rollups.length).toBeGreaterThanOrEqual(4);
  expect(built?.rollups.some((r) => r.spec.distinct === 'callsign')).toBe(true);
  dataset = {
    id: 'spots',
    version: manifestVersion(manifest),
    updatedAt: undefined,
    columns: COLUMNS,
    relation: 'spots_base',
  };
  const runner: SqlRunner = {
    dialect: 'duckdb',
    async query(statement) {
      const result = await db.query(statement.sql, statement.params);
      return { columns: result.columns, rows: result.rows.map((row) => row.map(toScalar)) };
    },
  };
  const answer = (d: ServedDataset, q: Parameters<DatasetSource['aggregate']>[1]) =>
    answerAggregate(runner, d, q);
  base = { aggregate: answer } as unknown as DatasetSource;
  const counting = {
    aggregate: (d: ServedDataset, q: Parameters<DatasetSource['aggregate']>[1]) => {
      baseCalls += 1;
      return answerAggregate(runner, d, q);
    },
  } as unknown as DatasetSource;
  rollups = createRollupSource({
    inner: counting,
    db,
    cacheDir,
    onLookup: (_dataset, outcome) => outcomes.push(outcome),
  });
}, 120_000);

afterAll(async () => {
  db?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Equal, numbers within a relative 1e-9 (float sums re-added in another order). */
function expectSame(actual: ShapedAggregate, expected: ShapedAggregate): void {
  expect(actual.x).toEqual(expected.x);
  expect(actual.rowsScanned).toBe(expected.rowsScanned);
  expect(actual.series.map((s) => s.name)).toEqual(expected.series.map((s) => s.name));
  actual.series.forEach((series, i) => {
    const want = expected.series[i]?.y ?? [];
    expect(series.y.length).toBe(want.length);
    series.y.forEach((value, j) => {
      const other = want[j];
      if (typeof value === 'number' && typeof other === 'number')
        expect(Math.abs(value - other)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(other)));
      else expect(value).toEqual(other);
    });
  });
}

async function both(raw: RawQuery): Promise<{ hit: boolean }> {
  const query = parseAggregateQuery(raw, COLUMNS);
  const before = baseCalls;
  const fromRollups = await rollups.aggregate(dataset, query);
  const hit = baseCalls === before;
  expectSame(fromRollups, await base.aggregate(dataset, query));
  return { hit };
}

const day = (d: number) => `2024-11-${String(d).padStart(2, '0')}`;

const queryArbitrary = fc.record({
  shape: fc.constantFrom(
    {},
    { x: 'mode' },
    { x: 'band' },
    { x: 'ts', bucket: 'hour' },
    { x: 'ts', bucket: 'day' },
    { x: 'ts', bucket: 'week' },
    { x: 'ts', bucket: 'month' },
  ),
  group: fc.constantFrom(undefined, 'band', 'mode', 'country'),
  top: fc.integer({ min: 1, max: 8 }),
  measure: fc.constantFrom(
    { agg: 'count' },
    { agg: 'sum', y: 'power' },
    { agg: 'mean', y: 'frequency' },
    { agg: 'mean', y: 'power' },
    { agg: 'min', y: 'ts' },
    { agg: 'max', y: 'ts' },
    { agg: 'max', y: 'power' },
    { agg: 'distinct', y: 'country' },
    { agg: 'distinct', y: 'callsign' },
  ),
  bands: fc.option(fc.subarray(BANDS, { minLength: 1 }), { nil: undefined }),
  mode: fc.option(fc.constantFrom(...MODES), { nil: undefined }),
  from: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
  to: fc.option(fc.integer({ min: 2, max: 30 }), { nil: undefined }),
});

describe('rollups', () => {
  it('answer covered queries exactly as the base table, and fall back otherwise', async () => {
    let hits = 0;
    await fc.assert(
      fc.asyncProperty(queryArbitrary, async (q) => {
        const raw: Record<string, string | string[]> = {
          ...(q.shape as Record<string, string>),
          ...(q.measure as Record<string, string>),
          top: String(q.top),
        };
        if (q.group !== undefined) raw['group'] = q.group;
        if (q.bands !== undefined) raw['filter.band'] = `in.(${q.bands.join(',')})`;
        if (q.mode !== undefined) raw['filter.mode'] = `eq.${q.mode}`;
        const ts: string[] = [];
        if (q.from !== undefined) ts.push(`gte.${day(q.from)}`);
        if (q.to !== undefined) ts.push(`lt.${day(q.to)}`);
        if (ts.length > 0) raw['filter.ts'] = ts;
        const { hit } = await both(raw);
        if (hit) hits += 1;
        // The rollups: band × mode × day (measures frequency, power, ts), band × mode × hour
        // (counts only), band × country × mode × day (counts only) and the callsign bitmaps
        // by band × mode × day.
        const measured = q.measure.agg !== 'count' && q.measure.agg !== 'distinct';
        const callsigns = q.measure.y === 'callsign';
        const expected =
          raw['bucket'] === 'hour'
            ? q.measure.agg === 'count' && q.group !== 'country'
            : q.group === 'country'
              ? !measured && !callsigns
              : true;
        expect(hit, JSON.stringify(raw)).toBe(expected);
      }),
      { numRuns: 60 },
    );
    expect(hits).toBeGreaterThan(20);
  }, 120_000);

  it('falls back for what no rollup covers', async () => {
    const uncovered: RawQuery[] = [
      { agg: 'distinct', y: 'callsign', x: 'ts', bucket: 'hour' },
      { agg: 'distinct', y: 'callsign', group: 'country' },
      { agg: 'median', y: 'power' },
      { x: 'ts', bucket: 'minute' },
      { 'filter.ts': 'gt.2024-11-05' },
      // Noon starts an hour, not a day: only the hourly rollup (counts) takes it.
      { 'filter.ts': 'gte.2024-11-05T12:00:00Z', agg: 'sum', y: 'power' },
      { 'filter.ts': 'gte.2024-11-05T12:30:00Z' },
      { 'filter.power': 'gt.500' },
      { x: 'power', bins: '10' },
    ];
    for (const raw of uncovered) expect((await both(raw)).hit, JSON.stringify(raw)).toBe(false);
    expect(
      (await both({ 'filter.ts': 'gte.2024-11-05T12:00:00Z', x: 'ts', bucket: 'hour' })).hit,
    ).toBe(true);
    // The bitmap answers whatever its dimensions cover, "Other" the union of its groups.
    for (const raw of [
      { agg: 'distinct', y: 'callsign' },
      { agg: 'distinct', y: 'callsign', group: 'band', top: '2', 'filter.ts': 'lt.2024-11-09' },
      { agg: 'distinct', y: 'callsign', x: 'ts', bucket: 'week', group: 'mode' },
      { agg: 'distinct', y: 'callsign', 'filter.band': 'is.null' },
    ] as RawQuery[])
      expect((await both(raw)).hit, JSON.stringify(raw)).toBe(true);
    expect(outcomes).toContain('miss');
    expect(outcomes).toContain('hit');
  }, 60_000);

  it('are not used for another version of the dataset', async () => {
    const query = parseAggregateQuery({ agg: 'count' }, COLUMNS);
    const before = baseCalls;
    await rollups.aggregate({ ...dataset, version: `${dataset.version}+live1` }, query);
    expect(baseCalls).toBe(before + 1);
    expect((await readRollupList(path.join(dir, 'cache'), 'spots'))?.version).toBe(dataset.version);
  });
});
