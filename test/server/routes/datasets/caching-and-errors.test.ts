/**
 * HTTP semantics of the data API: ETag / If-None-Match / Last-Modified / Server-Timing, error
 * bodies, and hostile input (SQL injection in names, values and order; path traversal in ids)
 * that must end in a 4xx JSON answer or a correct empty result, never a 500, with the server
 * still healthy afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSummary, RowsResponse } from '../../../../src/shared/api-types.js';
import { MEASUREMENTS } from '../../../helpers/fixture-data.js';
import { type FixtureApp, createFixtureApp, query } from '../../../helpers/fixture-app.js';

let fixture: FixtureApp;

beforeAll(async () => {
  fixture = await createFixtureApp('http');
});

afterAll(async () => {
  await fixture?.close();
});

const DATA_URLS = [
  '/api/v1/datasets/measurements/rows?select=id,name&limit=5',
  '/api/v1/datasets/measurements/aggregate?x=label',
  '/api/v1/datasets/measurements/analysis/summary',
];

describe('conditional requests', () => {
  it.each(DATA_URLS)('%s has a stable ETag and answers If-None-Match with 304', async (url) => {
    const first = await fixture.app.inject(url);
    expect(first.statusCode).toBe(200);
    const etag = first.headers['etag'];
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await fixture.app.inject(url);
    expect(again.headers['etag']).toBe(etag);
    const notModified = await fixture.app.inject({
      url,
      headers: { 'if-none-match': String(etag) },
    });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');
    expect(notModified.headers['etag']).toBe(etag);
    const weak = await fixture.app.inject({
      url,
      headers: { 'if-none-match': `"other", W/${String(etag)}` },
    });
    expect(weak.statusCode).toBe(304);
    const stale = await fixture.app.inject({
      url,
      headers: { 'if-none-match': '"something-else"' },
    });
    expect(stale.statusCode).toBe(200);
  });

  it('gives a different query a different ETag, whatever the parameter order', async () => {
    const a = await fixture.app.inject('/api/v1/datasets/measurements/rows?limit=5&select=id');
    const b = await fixture.app.inject('/api/v1/datasets/measurements/rows?select=id&limit=5');
    const c = await fixture.app.inject('/api/v1/datasets/measurements/rows?select=id&limit=6');
    expect(a.headers['etag']).toBe(b.headers['etag']);
    expect(c.headers['etag']).not.toBe(a.headers['etag']);
  });

  it('sends Last-Modified from the data and revalidation caching', async () => {
    const list = (await fixture.app.inject('/api/v1/datasets')).json() as {
      datasets: DatasetSummary[];
    };
    const updatedAt = list.datasets.find((dataset) => dataset.id === 'measurements')?.updatedAt;
    for (const url of DATA_URLS) {
      const response = await fixture.app.inject(url);
      expect(response.headers['last-modified'], url).toBe(
        new Date(String(updatedAt)).toUTCString(),
      );
      expect(response.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('answers the CSV stream with 304 too', async () => {
    const url = '/api/v1/datasets/measurements/rows?format=csv&limit=3';
    const first = await fixture.app.inject(url);
    const second = await fixture.app.inject({
      url,
      headers: { 'if-none-match': String(first.headers['etag']) },
    });
    expect(second.statusCode).toBe(304);
  });
});

describe('Server-Timing', () => {
  it.each([
    '/api/v1/datasets',
    '/api/v1/datasets/measurements',
    ...DATA_URLS,
    '/api/v1/datasets/nope',
    '/api/v1/datasets/measurements/rows?limit=x',
  ])('is on %s', async (url) => {
    const response = await fixture.app.inject(url);
    expect(response.headers['server-timing']).toMatch(/(^|, )total;dur=\d+\.\d{2}$/);
  });

  it('names the engine time of a query, and the cache on a repeat', async () => {
    const url = '/api/v1/datasets/measurements/rows?select=score&order=score&limit=4';
    const first = await fixture.app.inject(url);
    expect(first.headers['server-timing']).toMatch(/^db;dur=\d+\.\d{2};desc="engine", total;dur=/);
    const second = await fixture.app.inject(url);
    expect(second.headers['server-timing']).toMatch(/^db;dur=\d+\.\d{2};desc="cached", total;dur=/);
  });
});

describe('error bodies', () => {
  it.each([
    '/api/v1/datasets/nope',
    '/api/v1/datasets/nope/rows',
    '/api/v1/datasets/nope/aggregate?x=a',
    '/api/v1/datasets/nope/analysis/summary',
  ])('%s is a 404 naming the dataset and the known ids', async (url) => {
    const response = await fixture.app.inject(url);
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = response.json() as Record<string, unknown>;
    expect(body).toMatchObject({
      statusCode: 404,
      error: 'Not Found',
      code: 'DASHPORT_ERR_DATASET_NOT_FOUND',
    });
    expect(body['message']).toBe(
      'unknown dataset "nope"; datasets are: events, logs, measurements, monthly, people, sales, shop.customers, shop.orders',
    );
  });

  it.each([
    ['select', 'id,nope', 'select'],
    ['order', 'nope.desc', 'order'],
    ['filter.nope', 'eq.1', 'filter.nope'],
  ])('an unknown column in %s is a 400 naming it', async (key, value, parameter) => {
    const response = await fixture.app.inject(
      `/api/v1/datasets/measurements/rows?${query([[key, value]])}`,
    );
    expect(response.statusCode).toBe(400);
    const body = response.json() as Record<string, unknown>;
    expect(body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      code: 'DASHPORT_ERR_UNKNOWN_COLUMN',
      parameter,
    });
    expect(body['message']).toMatch(
      new RegExp(
        `^${parameter.replace('.', '\\.')}: unknown column "nope"; columns are: id, score, name`,
      ),
    );
  });

  it('an unknown parameter is a 400 that explains filters', async () => {
    const response = await fixture.app.inject('/api/v1/datasets/measurements/rows?nope=eq.1');
    expect(response.statusCode).toBe(400);
    const body = response.json() as Record<string, unknown>;
    expect(body['parameter']).toBe('nope');
    expect(body['message']).toContain('the parameters are select, order, limit, offset, format');
  });

  it('an unknown route is a 404 JSON', async () => {
    const response = await fixture.app.inject('/api/v1/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      statusCode: 404,
      error: 'Not Found',
      code: 'DASHPORT_ERR_NOT_FOUND',
    });
  });

  it('a repeated parameter is a 400', async () => {
    const response = await fixture.app.inject('/api/v1/datasets/measurements/rows?limit=1&limit=2');
    expect(response.statusCode).toBe(400);
    const body = response.json() as Record<string, unknown>;
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', parameter: 'limit' });
    expect(body['message']).toContain('limit');
  });
});

const INJECTIONS = [
  '"; DROP TABLE x; --',
  "'; DROP TABLE measurements; --",
  '1) OR (1=1',
  "' OR '1'='1",
  'id"); SELECT * FROM duckdb_settings(); --',
  'ÿ\u202e\u0000名前',
  '\\',
  "name' UNION SELECT 1 --",
];

describe('hostile input', () => {
  async function expectSafe(url: string): Promise<void> {
    const response = await fixture.app.inject(url);
    expect(response.statusCode, `${url} → ${response.body}`).toBeLessThan(500);
    expect(response.headers['content-type'], url).toContain('application/json');
    if (response.statusCode === 200) {
      const body = response.json() as RowsResponse | Record<string, unknown>;
      if ('rows' in body && Array.isArray(body.rows)) expect(body.rows, url).toEqual([]);
    } else {
      expect(response.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(Object.keys(response.json() as object)).toEqual(
        expect.arrayContaining(['statusCode', 'error', 'message']),
      );
    }
  }

  it.each(INJECTIONS)('as a column name (%j) is refused', async (text) => {
    for (const key of ['select', 'order', 'filter.x']) {
      const pairs: [string, string][] =
        key === 'filter.x' ? [[`filter.${text}`, 'eq.1']] : [[key, text]];
      const response = await fixture.app.inject(
        `/api/v1/datasets/measurements/rows?${query(pairs)}`,
      );
      expect(response.statusCode, `${key}=${text}`).toBe(400);
    }
    for (const key of ['x', 'y', 'group']) {
      const response = await fixture.app.inject(
        `/api/v1/datasets/measurements/aggregate?${query([
          [key, text],
          ['agg', 'count'],
        ])}`,
      );
      expect(response.statusCode, `${key}=${text}`).toBe(400);
    }
  });

  it.each(INJECTIONS)('as a value (%j) matches nothing or is refused', async (text) => {
    for (const expression of [
      `eq.${text}`,
      `like.${text}`,
      `ilike.*${text}*`,
      `in.(${text})`,
      `gt.${text}`,
    ]) {
      if (!expression.startsWith('gt.'))
        await expectSafe(`/api/v1/datasets/measurements/rows?${query([['label', expression]])}`);
      await expectSafe(`/api/v1/datasets/measurements/rows?${query([['id', expression]])}`);
      await expectSafe(`/api/v1/datasets/measurements/rows?${query([['ts', expression]])}`);
    }
    // Comparisons still compare the text as a value: every row differs, and `gt` orders it.
    for (const [op, keep] of [
      ['neq', () => true],
      ['gt', (label: string) => label > text],
    ] as const) {
      const url = `/api/v1/datasets/measurements/rows?${query([
        ['label', `${op}.${text}`],
        ['limit', '10000'],
      ])}`;
      const response = await fixture.app.inject(url);
      expect(response.statusCode, url).toBe(200);
      expect((response.json() as RowsResponse).rows, url).toHaveLength(
        MEASUREMENTS.filter((row) => keep(row.label)).length,
      );
    }
  });

  it.each(INJECTIONS)('as an order, limit or aggregate word (%j) is refused', async (text) => {
    for (const pairs of [
      [['order', `id.${text}`]],
      [['limit', text]],
      [['offset', text]],
      [['format', text]],
    ] as [string, string][][]) {
      const response = await fixture.app.inject(
        `/api/v1/datasets/measurements/rows?${query(pairs)}`,
      );
      expect(response.statusCode, JSON.stringify(pairs)).toBe(400);
    }
    for (const pairs of [
      [
        ['x', 'ts'],
        ['bucket', text],
      ],
      [
        ['agg', text],
        ['y', 'score'],
      ],
      [
        ['x', 'score'],
        ['bins', text],
      ],
      [
        ['x', 'label'],
        ['group', 'category'],
        ['top', text],
      ],
    ] as [string, string][][]) {
      const response = await fixture.app.inject(
        `/api/v1/datasets/measurements/aggregate?${query(pairs)}`,
      );
      expect(response.statusCode, JSON.stringify(pairs)).toBe(400);
    }
  });

  it.each([
    '/api/v1/datasets/..%2F..%2Fetc%2Fpasswd',
    '/api/v1/datasets/..%2F..%2Fetc%2Fpasswd/rows',
    '/api/v1/datasets/%2e%2e',
    '/api/v1/datasets/%2e%2e/rows',
    '/api/v1/datasets/%2e%2e%2f%2e%2e%2fcache/aggregate',
    '/api/v1/datasets/..%5C..%5Cwindows/rows',
    '/api/v1/datasets/measurements%00/rows',
    '/api/v1/datasets/%2Fetc%2Fpasswd/analysis/summary',
    `/api/v1/datasets/${'a'.repeat(190)}/rows`,
  ])('path traversal %s is a 404, never a 500', async (url) => {
    const response = await fixture.app.inject(url);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('leaves the data and the server intact', async () => {
    const rows = await fixture.app.inject(
      '/api/v1/datasets/measurements/rows?limit=10000&select=id',
    );
    expect((rows.json() as RowsResponse).rows).toHaveLength(MEASUREMENTS.length);
    const health = await fixture.app.inject('/health');
    expect(health.statusCode).toBe(200);
    const body = health.json() as {
      status: string;
      checks: { cache: { all_caches_warm: boolean } };
    };
    expect(['healthy', 'degraded']).toContain(body.status);
    expect(body.checks.cache.all_caches_warm).toBe(true);
    const list = (await fixture.app.inject('/api/v1/datasets')).json() as {
      datasets: DatasetSummary[];
    };
    expect(list.datasets.every((dataset) => dataset.state === 'ready')).toBe(true);
  });
});
