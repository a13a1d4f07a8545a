/**
 * PostgreSQL datasets against the real test database: discovery and types, every rows and
 * aggregate feature checked against an oracle computed here from the same data, injection
 * attempts, read-only sessions, the statement timeout, analyses, ingestion into one
 * transaction, and change detection by increasing column and by LISTEN/NOTIFY.
 */
import { rm } from 'node:fs/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDashportError } from '../../../src/errors.js';
import { type DatasetQueries, createDatasetQueries } from '../../../src/engine/dataset-queries.js';
import { type DuckDb, createDuckDb } from '../../../src/engine/duckdb.js';
import { createPgDatasetSource } from '../../../src/engine/postgres/pg-dataset-source.js';
import { insertPgRows } from '../../../src/engine/postgres/pg-insert.js';
import { mapPgError } from '../../../src/engine/postgres/pg-pool.js';
import {
  type PgChange,
  type PgSource,
  createPgSource,
} from '../../../src/engine/postgres/pg-source.js';
import { createSourceCatalog } from '../../../src/engine/sources/source-catalog.js';
import type { BoundValue, RawQuery } from '../../../src/engine/sql/query-types.js';
import type { CellValue } from '../../../src/shared/api-types.js';
import {
  TEST_DATABASE_URL,
  dropSchema,
  requirePostgres,
  scratchSchemaName,
  withClient,
} from './private-postgres.js';

const silent = pino({ level: 'silent' });
const schema = scratchSchemaName('dashport_pgq');
const ROWS = 300;
const NAMES = ['alpha', 'Beta', 'gamma%', "o'brien", null, 'x_y', 'ALPHABET'];
const BANDS = ['20m', '40m', '80m', null];

interface Item {
  id: number;
  name: string | null;
  price: number | null;
  active: boolean | null;
  day: string;
  ts: string;
  band: string | null;
}

function makeItems(): Item[] {
  const items: Item[] = [];
  for (let i = 1; i <= ROWS; i += 1) {
    const day = new Date(Date.UTC(2024, 0, 1 + (i % 60)));
    const ts = new Date(Date.UTC(2024, 0, 1) + i * (3 * 3600 + 17 * 60) * 1000);
    items.push({
      id: i,
      name: NAMES[i % NAMES.length] ?? null,
      price: i % 13 === 0 ? null : ((i * 7) % 101) / 4,
      active: i % 3 === 0 ? null : i % 2 === 0,
      day: day.toISOString().slice(0, 10),
      ts: ts.toISOString(),
      band: BANDS[i % BANDS.length] ?? null,
    });
  }
  return items;
}

const items = makeItems();
const COLUMNS = ['id', 'name', 'price', 'active', 'day', 'ts', 'band'] as const;
type Column = (typeof COLUMNS)[number];
const asRow = (item: Item, select: readonly Column[] = COLUMNS): CellValue[] =>
  select.map((c) => item[c]);

function compare(a: CellValue, b: CellValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** ORDER BY with NULLS LAST both ways (the builders' default). */
function sortBy(rows: Item[], terms: { column: Column; desc?: boolean }[]): Item[] {
  return [...rows].sort((x, y) => {
    for (const term of terms) {
      const a = x[term.column];
      const b = y[term.column];
      if (a === b) continue;
      if (a === null) return 1;
      if (b === null) return -1;
      const order = compare(a, b) * (term.desc ? -1 : 1);
      if (order !== 0) return order;
    }
    return 0;
  });
}

function likeToRegex(pattern: string, flags: string): RegExp {
  const escaped = pattern
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/%/g, '.*');
  return new RegExp(`^${escaped}$`, flags);
}

describe('PostgreSQL datasets (real database)', () => {
  let source: PgSource;
  let db: DuckDb;
  let queries: DatasetQueries & {
    insert(id: string, columns: string[], rows: BoundValue[][]): Promise<number>;
  };
  const changes: PgChange[] = [];

  beforeAll(async () => {
    await requirePostgres();
    await withClient(TEST_DATABASE_URL, async (client) => {
      await client.query(`CREATE SCHEMA "${schema}"`);
      await client.query(
        `CREATE TABLE "${schema}".items (id integer PRIMARY KEY, name text, price numeric(8,2), active boolean, day date, ts timestamp, band varchar(8))`,
      );
      for (let start = 0; start < items.length; start += 100) {
        const chunk = items.slice(start, start + 100);
        const values: unknown[] = [];
        const tuples = chunk.map((item) => {
          const cells = COLUMNS.map((c) => {
            values.push(c === 'ts' ? item.ts.replace('Z', '') : item[c]);
            return `$${values.length}`;
          });
          return `(${cells.join(', ')})`;
        });
        await client.query(`INSERT INTO "${schema}".items VALUES ${tuples.join(', ')}`, values);
      }
      await client.query(
        `CREATE VIEW "${schema}"."Cheap Items" AS SELECT id, name, price FROM "${schema}".items WHERE price < 5`,
      );
      await client.query(
        `CREATE TABLE "${schema}".events (id bigserial PRIMARY KEY, note text NOT NULL, at timestamptz NOT NULL DEFAULT now())`,
      );
      await client.query(`INSERT INTO "${schema}".events (note) VALUES ('first')`);
      await client.query(`CREATE TABLE "${schema}".notified (id serial PRIMARY KEY, v integer)`);
      await client.query(`
        CREATE FUNCTION "${schema}".notify_dashport() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('dashport_changes', TG_TABLE_NAME); RETURN NULL; END $$`);
      await client.query(
        `CREATE TRIGGER dashport_notify AFTER INSERT OR UPDATE OR DELETE ON "${schema}".notified FOR EACH STATEMENT EXECUTE FUNCTION "${schema}".notify_dashport()`,
      );
      await client.query(`ANALYZE "${schema}".items`);
    });
    source = createPgSource({
      url: TEST_DATABASE_URL,
      schemas: [schema],
      settings: {
        'pg.events': { increasing_column: 'id', live: true },
        'pg.items': { title: 'Items', label_column: 'band' },
      },
      cacheDir: `/tmp/dashport-pgq-${schema}`,
      logger: silent,
      pollIntervalMs: 60_000,
      statementTimeoutMs: 5_000,
    });
    source.onChange((change) => changes.push(change));
    await source.start();
    db = await createDuckDb({ threads: 1, connections: 1, queryTimeoutMs: 5_000 });
    queries = {
      ...createDatasetQueries({
        sources: createSourceCatalog([createPgDatasetSource({ source, db })]),
      }),
      insert: (id, columns, rows) => insertPgRows(source, id, columns, rows),
    };
  });

  afterAll(async () => {
    await source?.close();
    db?.close();
    await dropSchema(schema);
    await rm(`/tmp/dashport-pgq-${schema}`, { recursive: true, force: true });
    await rm(`/tmp/dashport-pgq-${schema}-short`, { recursive: true, force: true });
  });

  const rows = (raw: RawQuery) => queries.rows('pg.items', raw);

  it('discovers tables and views as pg.<table> datasets with mapped types', () => {
    expect(source.list().map((d) => d.id)).toEqual([
      'pg.cheap-items',
      'pg.events',
      'pg.items',
      'pg.notified',
    ]);
    const detail = queries.describe('pg.items');
    expect(detail.title).toBe('Items');
    expect(detail.source).toEqual({ kind: 'postgres', location: `${schema}.items` });
    expect(detail.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['id', 'integer', false],
      ['name', 'string', true],
      ['price', 'float', true],
      ['active', 'boolean', true],
      ['day', 'date', true],
      ['ts', 'timestamp', true],
      ['band', 'string', true],
    ]);
  });

  it('select, order (nulls last), limit and offset match the oracle', async () => {
    const result = await rows({
      select: 'id,name,price',
      order: 'price.desc,id',
      limit: '20',
      offset: '5',
    });
    expect(result.columns).toEqual(['id', 'name', 'price']);
    const expected = sortBy(items, [{ column: 'price', desc: true }, { column: 'id' }]).slice(
      5,
      25,
    );
    expect(result.rows).toEqual(expected.map((item) => asRow(item, ['id', 'name', 'price'])));
    const all = await rows({ order: 'band.asc,ts.desc', limit: '10000' });
    expect(all.rows).toEqual(
      sortBy(items, [{ column: 'band' }, { column: 'ts', desc: true }]).map((item) => asRow(item)),
    );
  });

  const filterCases: [string, RawQuery, (item: Item) => boolean][] = [
    ['eq', { band: 'eq.20m' }, (i) => i.band === '20m'],
    ['neq (NULL never matches)', { band: 'neq.20m' }, (i) => i.band !== null && i.band !== '20m'],
    ['gt', { price: 'gt.10' }, (i) => i.price !== null && i.price > 10],
    ['gte', { price: 'gte.10' }, (i) => i.price !== null && i.price >= 10],
    ['lt', { id: 'lt.7' }, (i) => i.id < 7],
    ['lte', { id: 'lte.7' }, (i) => i.id <= 7],
    ['like', { name: 'like.*a*' }, (i) => i.name !== null && likeToRegex('*a*', '').test(i.name)],
    [
      'ilike',
      { name: 'ilike.alpha*' },
      (i) => i.name !== null && likeToRegex('alpha*', 'i').test(i.name),
    ],
    ['like with a literal %', { name: 'like.gamma\\%' }, (i) => i.name === 'gamma%'],
    ['in', { band: 'in.(20m,80m)' }, (i) => i.band === '20m' || i.band === '80m'],
    ['is.null', { band: 'is.null' }, (i) => i.band === null],
    ['not.is.null', { band: 'not.is.null' }, (i) => i.band !== null],
    ['is.true', { active: 'is.true' }, (i) => i.active === true],
    ['date gte', { day: 'gte.2024-02-01' }, (i) => i.day >= '2024-02-01'],
    ['timestamp lt', { ts: 'lt.2024-01-10T00:00:00Z' }, (i) => i.ts < '2024-01-10T00:00:00.000Z'],
    ['not.eq', { band: 'not.eq.40m' }, (i) => i.band !== null && i.band !== '40m'],
    [
      'filter. prefix and two filters ANDed',
      { 'filter.id': ['gt.10', 'lt.20'] },
      (i) => i.id > 10 && i.id < 20,
    ],
    ['a value with a quote', { name: "eq.o'brien" }, (i) => i.name === "o'brien"],
  ];

  it.each(filterCases)('filter %s matches the oracle', async (_name, raw, predicate) => {
    const result = await rows({ ...raw, order: 'id', limit: '10000' });
    expect(result.rows).toEqual(items.filter(predicate).map((item) => asRow(item)));
  });

  function oracleGroups<K>(key: (item: Item) => K, subset: Item[] = items): Map<K, Item[]> {
    const groups = new Map<K, Item[]>();
    for (const item of subset) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
    return groups;
  }

  function seriesMap(
    result: { x: CellValue[]; series: { name: string; y: (number | null)[] }[] },
    name?: string,
  ) {
    const series =
      name === undefined ? result.series[0] : result.series.find((s) => s.name === name);
    return new Map(result.x.map((x, i) => [x, series?.y[i] ?? null]));
  }

  it('aggregates count, sum, mean, min, max, median and distinct per x like the oracle', async () => {
    const groups = oracleGroups((i) => i.band);
    const prices = (list: Item[]) =>
      list.map((i) => i.price).filter((p): p is number => p !== null);
    const median = (values: number[]) => {
      const s = [...values].sort((a, b) => a - b);
      const h = (s.length - 1) / 2;
      return (
        (s[Math.floor(h)] as number) +
        (h - Math.floor(h)) * ((s[Math.ceil(h)] as number) - (s[Math.floor(h)] as number))
      );
    };
    const oracle: Record<string, (list: Item[]) => number> = {
      count: (list) => list.length,
      sum: (list) => prices(list).reduce((a, b) => a + b, 0),
      mean: (list) => prices(list).reduce((a, b) => a + b, 0) / prices(list).length,
      min: (list) => Math.min(...prices(list)),
      max: (list) => Math.max(...prices(list)),
      median: (list) => median(prices(list)),
      distinct: (list) => new Set(list.map((i) => i.name).filter((n) => n !== null)).size,
    };
    for (const [agg, compute] of Object.entries(oracle)) {
      const raw: RawQuery =
        agg === 'count'
          ? { x: 'band', agg }
          : { x: 'band', agg, y: agg === 'distinct' ? 'name' : 'price' };
      const result = await queries.aggregate('pg.items', raw);
      const got = seriesMap(result);
      expect([...got.keys()].sort()).toEqual([...groups.keys()].sort());
      for (const [band, list] of groups)
        expect(got.get(band), `${agg} of ${band}`).toBeCloseTo(compute(list), 9);
    }
  });

  it('buckets time by month and splits series by group', async () => {
    const result = await queries.aggregate('pg.items', {
      x: 'ts',
      bucket: 'month',
      agg: 'count',
      group: 'band',
    });
    const month = (item: Item) => `${item.ts.slice(0, 7)}-01T00:00:00.000Z`;
    for (const band of BANDS) {
      const got = seriesMap(result, band ?? 'null');
      const expected = oracleGroups(
        month,
        items.filter((i) => i.band === band),
      );
      for (const [x, list] of expected) expect(got.get(x), `${band} ${x}`).toBe(list.length);
    }
    expect(result.meta.rowsScanned).toBe(ROWS);
  });

  it('histograms a numeric x into bins over the filtered range', async () => {
    const result = await queries.aggregate('pg.items', {
      x: 'price',
      bins: '5',
      agg: 'count',
      band: 'eq.40m',
    });
    const subset = items
      .filter((i) => i.band === '40m' && i.price !== null)
      .map((i) => i.price as number);
    const min = Math.min(...subset);
    const max = Math.max(...subset);
    expect(result.x).toHaveLength(5);
    expect(result.x[0]).toBeCloseTo(min, 9);
    const counts = new Array<number>(5).fill(0);
    for (const price of subset) {
      const bin = Math.min(4, Math.floor(((price - min) / (max - min)) * 5));
      counts[bin] = (counts[bin] ?? 0) + 1;
    }
    expect(result.series[0]?.y).toEqual(counts);
  });

  it('reads views like tables', async () => {
    const result = await queries.rows('pg.cheap-items', { order: 'id', limit: '10000' });
    expect(result.rows).toEqual(
      items.filter((i) => i.price !== null && i.price < 5).map((i) => [i.id, i.name, i.price]),
    );
  });

  it('keeps injection attempts harmless: unknown names are 400, values are bound', async () => {
    const attempts: RawQuery[] = [
      { select: 'id,"; DROP TABLE items; --' },
      { order: 'id;DROP TABLE items' },
      { 'filter."id"': 'eq.1' },
      { limit: '1;DROP TABLE items' },
      { 'id); DROP TABLE items; --': 'eq.1' },
      { id: 'eq.1 OR 1=1' },
    ];
    for (const raw of attempts) {
      const error = await rows(raw).catch((e: unknown) => e);
      expect(isDashportError(error) && error.status, JSON.stringify(raw)).toBe(400);
    }
    expect((await rows({ name: "eq.'; DROP TABLE items; --" })).rows).toEqual([]);
    expect((await rows({ name: 'like.%; DELETE FROM items' })).rows).toEqual([]);
    const count = await withClient(TEST_DATABASE_URL, (c) =>
      c.query(`SELECT count(*)::int AS n FROM "${schema}".items`),
    );
    expect(count.rows[0].n).toBe(ROWS);
  });

  it('runs sessions read-only and maps a statement timeout to 503', async () => {
    const write = await source.pool.query(`DELETE FROM "${schema}".items`).catch((e: unknown) => e);
    expect((write as { code?: string }).code).toBe('25006');
    const short = createPgSource({
      url: TEST_DATABASE_URL,
      schemas: [schema],
      settings: {},
      cacheDir: `/tmp/dashport-pgq-${schema}-short`,
      logger: silent,
      statementTimeoutMs: 100,
    });
    const timedOut = await short.pool.query('SELECT pg_sleep(1)').catch((e: unknown) => e);
    await short.close();
    const mapped = mapPgError(timedOut, 'pg.items');
    expect(isDashportError(mapped) && [mapped.status, mapped.code]).toEqual([
      503,
      'DASHPORT_ERR_QUERY_TIMEOUT',
    ]);
  });

  it('computes the analyses from the rows (all of them when few)', async () => {
    const summary = await queries.analysis('pg.items', 'summary');
    if (!('columns' in summary) || !('rows' in summary)) throw new Error('not a summary');
    expect(summary.rows).toBe(ROWS);
    const price = summary.columns.find((c) => c.name === 'price');
    const prices = items.map((i) => i.price).filter((p): p is number => p !== null);
    expect(price?.stats.count).toBe(prices.length);
    expect(price?.stats.mean).toBeCloseTo(prices.reduce((a, b) => a + b, 0) / prices.length, 9);
    const profiles = await queries.analysis('pg.items', 'profiles');
    expect('classes' in profiles && profiles.classes.map((c) => c.count)).toEqual([75, 75, 75, 75]);
    expect(queries.describe('pg.items').columns.find((c) => c.name === 'price')?.stats?.count).toBe(
      prices.length,
    );
  });

  it('inserts a batch in one transaction and serves the new data at once', async () => {
    const before = queries.versionOf('pg.events');
    const page = await queries.rows('pg.events', { order: 'id' });
    expect(page.rows).toHaveLength(1);
    const inserted = await queries.insert('pg.events', ['note'], [['second'], ['third']]);
    expect(inserted).toBe(2);
    expect(queries.versionOf('pg.events')).not.toBe(before);
    expect((await queries.rows('pg.events', { order: 'id', select: 'note' })).rows).toEqual([
      ['first'],
      ['second'],
      ['third'],
    ]);
    const failed = await queries
      .insert('pg.events', ['note'], [['fourth'], [null]])
      .catch((e: unknown) => e);
    expect(isDashportError(failed) && [failed.status, failed.code]).toEqual([
      400,
      'DASHPORT_ERR_BAD_BODY',
    ]);
    expect((await queries.rows('pg.events', { select: 'note', order: 'id' })).rows).toHaveLength(3);
  });

  it('detects rows appended by others through the increasing column', async () => {
    await source.poll();
    changes.length = 0;
    await withClient(TEST_DATABASE_URL, (c) =>
      c.query(`INSERT INTO "${schema}".events (note) VALUES ('from outside'), ('and another')`),
    );
    await source.poll();
    const change = changes.find((c) => c.id === 'pg.events');
    expect(change?.rows?.columns).toEqual(['id', 'note', 'at']);
    expect(change?.rows?.rows.map((row) => row[1])).toEqual(['from outside', 'and another']);
  });

  it('reacts to NOTIFY from a trigger without waiting for the poll', async () => {
    await source.poll();
    changes.length = 0;
    await withClient(TEST_DATABASE_URL, (c) =>
      c.query(`INSERT INTO "${schema}".notified (v) VALUES (1)`),
    );
    const deadline = Date.now() + 15_000;
    // The notification triggers a poll; statistics reach pg_stat within the stats flush delay.
    while (!changes.some((c) => c.id === 'pg.notified') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (changes.length === 0) {
        await withClient(TEST_DATABASE_URL, (c) =>
          c.query(`UPDATE "${schema}".notified SET v = v + 1`),
        );
      }
    }
    expect(changes.some((c) => c.id === 'pg.notified')).toBe(true);
  });
});
