/**
 * SQL datasets end to end (SPEC §10): a `.sql` file over other datasets is built into the cache,
 * answers every endpoint like a file (checked against an oracle computed here), is rebuilt —
 * with what reads it — when a dataset it reads changes, and a statement other than one SELECT,
 * or one reaching for files, fails that dataset alone with its file and line in /health.
 */
import { utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheStatusReport } from '../../src/engine/cache-status.js';
import type { AggregateResponse, DatasetDetail, RowsResponse } from '../../src/shared/api-types.js';
import { csvText } from '../helpers/fixture-data.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';
import { type TestApp, buildTestCache, createTestApp } from '../helpers/test-app.js';

type Sale = { region: string; product: string; units: number; revenue: number };

const REGIONS = ['north', 'south', 'east'];
const PRICES = [2.5, 4, 10, 0.75, 12.25];
const sales: Sale[] = Array.from({ length: 90 }, (_, i) => {
  const units = ((i * 7) % 11) + 1;
  const product = `p${(i * 3) % PRICES.length}`;
  return {
    region: REGIONS[i % REGIONS.length] ?? 'north',
    product,
    units,
    revenue: units * (PRICES[Number(product.slice(1))] ?? 0),
  };
});
const firstCategories: Record<string, string> = { p0: 'A', p1: 'A', p2: 'B', p3: 'B', p4: 'C' };

function productsCsv(categories: Record<string, string>): string {
  return csvText(
    ['product', 'category'],
    Object.entries(categories).map(([product, category]) => ({ product, category })),
  );
}

/** Revenue per category, the oracle of `by-category.sql` and of an aggregate over `joined`. */
function revenueByCategory(categories: Record<string, string>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const sale of sales) {
    const category = categories[sale.product] ?? '?';
    totals.set(category, (totals.get(category) ?? 0) + sale.revenue);
  }
  return totals;
}

const REFUSED: Record<string, { sql: string; line: number; reason: string }> = {
  'insert.sql': {
    sql: '-- adds a row\nINSERT INTO sales VALUES (1, 2, 3, 4)',
    line: 2,
    reason: 'found an INSERT statement',
  },
  'copy.sql': {
    sql: "COPY (SELECT * FROM sales) TO '/tmp/dashport-sqlds-leak.csv'",
    line: 1,
    reason: 'found a COPY statement',
  },
  'attach.sql': { sql: "ATTACH '/tmp/dashport-sqlds.db'", line: 1, reason: 'found an ATTACH' },
  'passwd.sql': {
    sql: "SELECT *\nFROM read_csv('/etc/passwd')",
    line: 2,
    reason: 'table function read_csv() is not allowed',
  },
  'path.sql': {
    sql: "SELECT * FROM '/etc/passwd'",
    line: 1,
    reason: 'unknown dataset "/etc/passwd"',
  },
  'multi.sql': {
    sql: 'SELECT * FROM sales;\nSELECT * FROM products;',
    line: 2,
    reason: '2 statements',
  },
  'cycle-a.sql': { sql: 'SELECT * FROM "cycle-b"', line: 1, reason: 'dependency cycle' },
  'cycle-b.sql': { sql: 'SELECT *\nFROM "cycle-a"', line: 2, reason: 'dependency cycle' },
};

let tmp: TempDir;
let dataDir: string;
let cacheDir: string;
let test: TestApp;

async function get<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await test.app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() as T };
}

beforeAll(async () => {
  tmp = await createTempDir('sql-datasets');
  dataDir = tmp.join('data');
  cacheDir = tmp.join('cache');
  const files: Record<string, string> = {
    'sales.csv': csvText(['region', 'product', 'units', 'revenue'], sales),
    'products.csv': productsCsv(firstCategories),
    'joined.sql': [
      '-- every sale with its product category',
      'SELECT s.region, s.product, s.units, s.revenue, p.category',
      'FROM sales s',
      'JOIN products p USING (product)',
      '',
    ].join('\n'),
    'by-category.sql':
      'SELECT category, sum(revenue) AS revenue, count(*) AS sales\nFROM joined\nGROUP BY category\n',
    ...Object.fromEntries(Object.entries(REFUSED).map(([name, { sql }]) => [name, sql])),
  };
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dataDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dataDir, name), text);
  test = await createTestApp({ dataDir, cacheDir });
});

afterAll(async () => {
  await test?.close();
  await tmp?.remove();
});

describe('a SQL dataset over file datasets', () => {
  it('is listed and described like a file, with the columns of its SELECT', async () => {
    const { status, body } = await get<DatasetDetail>('/api/v1/datasets/joined');
    expect(status).toBe(200);
    expect(body.source).toEqual({ kind: 'sql', location: 'joined.sql' });
    expect(body.rows).toBe(sales.length);
    expect(body.columns.map((c) => [c.name, c.type])).toEqual([
      ['region', 'string'],
      ['product', 'string'],
      ['units', 'integer'],
      ['revenue', 'float'],
      ['category', 'string'],
    ]);
  });

  it('answers rows with filters and order as the oracle does', async () => {
    const { status, body } = await get<RowsResponse>(
      '/api/v1/datasets/joined/rows?category=eq.B&region=neq.east&order=revenue.desc,units,region&limit=1000',
    );
    expect(status).toBe(200);
    const expected = sales
      .map((s) => ({ ...s, category: firstCategories[s.product] }))
      .filter((s) => s.category === 'B' && s.region !== 'east')
      .sort(
        (a, b) => b.revenue - a.revenue || a.units - b.units || a.region.localeCompare(b.region),
      )
      .map((s) => [s.region, s.product, s.units, s.revenue, s.category]);
    // Equal revenue and units mean one price, so one product: the order is total.
    expect(body.rows).toEqual(expected);
  });

  it('answers an aggregate as the oracle does', async () => {
    const { status, body } = await get<AggregateResponse>(
      '/api/v1/datasets/joined/aggregate?x=category&y=revenue&agg=sum',
    );
    expect(status).toBe(200);
    const oracle = revenueByCategory(firstCategories);
    const got = new Map(body.x.map((x, i) => [String(x), Number(body.series[0]?.y[i])]));
    expect([...got.keys()].sort()).toEqual([...oracle.keys()].sort());
    for (const [category, total] of oracle) expect(got.get(category)).toBeCloseTo(total, 9);
  });

  it('has its analyses precomputed', async () => {
    const { status, body } = await get<{ columns: { name: string }[] }>(
      '/api/v1/datasets/joined/analysis/summary',
    );
    expect(status).toBe(200);
    expect(JSON.stringify(body)).toContain('category');
  });

  it('reads another SQL dataset (built after it)', async () => {
    const { body } = await get<RowsResponse>('/api/v1/datasets/by-category/rows?order=category');
    const oracle = revenueByCategory(firstCategories);
    expect(body.rows.map((row) => row[0])).toEqual([...oracle.keys()].sort());
    for (const row of body.rows) expect(row[1]).toBeCloseTo(oracle.get(String(row[0])) ?? NaN, 9);
    const order = test.report?.outcomes.map((o) => o.id) ?? [];
    expect(order.indexOf('by-category')).toBeGreaterThan(order.indexOf('joined'));
  });
});

describe('refused statements', () => {
  it('fail their dataset alone, with the file, the line and the reason in /health', async () => {
    const { body } = await get<{
      checks: {
        data: {
          status: string;
          failed: { id: string; file?: string; line?: number; error: string }[];
        };
      };
    }>('/health');
    expect(body.checks.data.status).toBe('degraded');
    const failed = new Map(body.checks.data.failed.map((f) => [f.id, f]));
    for (const [name, { line, reason }] of Object.entries(REFUSED)) {
      const id = name.replace(/\.sql$/, '');
      const failure = failed.get(id);
      expect(failure, id).toBeDefined();
      expect(failure?.file).toBe(path.join(dataDir, name));
      expect(failure?.line, id).toBe(line);
      expect(failure?.error).toContain(`${name}:${line}: `);
      expect(failure?.error).toContain(reason);
    }
    expect(failed.has('joined')).toBe(false);
    expect(failed.has('sales')).toBe(false);
  });

  it('answer 503 with the reason; the other datasets serve', async () => {
    const refused = await get<{ message: string }>('/api/v1/datasets/passwd/rows');
    expect(refused.status).toBe(503);
    expect(refused.body.message).toContain('read_csv');
    expect((await get('/api/v1/datasets/sales/rows?limit=1')).status).toBe(200);
  });
});

describe('rebuild after a dataset it reads changes', () => {
  it('rebuilds the SQL datasets reading a changed source, in order, and serves the new answers', async () => {
    const moved = { ...firstCategories, p4: 'A', p3: 'D' };
    await writeFile(path.join(dataDir, 'products.csv'), productsCsv(moved));
    const report = await buildTestCache(dataDir, cacheDir);
    const status = new Map(report.outcomes.map((o) => [o.id, o.outcome.status]));
    expect(status.get('products')).toBe('built');
    expect(status.get('joined')).toBe('built');
    expect(status.get('by-category')).toBe('built');
    expect(status.get('sales')).toBe('fresh');
    await test.deps.catalog.refresh();
    const { body } = await get<RowsResponse>('/api/v1/datasets/by-category/rows?order=category');
    const oracle = revenueByCategory(moved);
    expect(body.rows.map((row) => row[0])).toEqual([...oracle.keys()].sort());
    for (const row of body.rows) expect(row[1]).toBeCloseTo(oracle.get(String(row[0])) ?? NaN, 9);

    const again = await buildTestCache(dataDir, cacheDir);
    expect(again.outcomes.find((o) => o.id === 'by-category')?.outcome.status).toBe('fresh');
  });

  it('rebuilds a SQL dataset whose own text changed, and only what reads it', async () => {
    await writeFile(
      path.join(dataDir, 'joined.sql'),
      'SELECT s.*, p.category FROM sales s JOIN products p USING (product) WHERE s.units > 5\n',
    );
    const report = await buildTestCache(dataDir, cacheDir);
    const status = new Map(report.outcomes.map((o) => [o.id, o.outcome.status]));
    expect([status.get('joined'), status.get('by-category'), status.get('products')]).toEqual([
      'built',
      'built',
      'fresh',
    ]);
    await test.deps.catalog.refresh();
    const { body } = await get<DatasetDetail>('/api/v1/datasets/joined');
    expect(body.rows).toBe(sales.filter((s) => s.units > 5).length);
  });

  it('shows as stale in cache status when a file it reads is touched, and fresh once verified', async () => {
    const state = async () =>
      new Map((await cacheStatusReport(dataDir, cacheDir)).map((e) => [e.id, e.state]));
    expect((await state()).get('by-category')).toBe('fresh');
    const later = new Date(Date.now() + 5_000);
    await utimes(path.join(dataDir, 'sales.csv'), later, later);
    const touched = await state();
    expect([touched.get('sales'), touched.get('joined'), touched.get('by-category')]).toEqual([
      'stale',
      'stale',
      'stale',
    ]);
    const report = await buildTestCache(dataDir, cacheDir);
    expect(report.outcomes.find((o) => o.id === 'joined')?.outcome.status).toBe('fresh');
    expect((await state()).get('by-category')).toBe('fresh');
  });
});
