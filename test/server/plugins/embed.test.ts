/**
 * Signed embed links on the real app with access control on: an embed token (header or query
 * parameter) reads its dashboard with the locked filter values and nothing else; tampered,
 * expired and forged tokens are 401; only embed responses may be framed, and only by
 * DASHPORT_EMBED_ORIGINS.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signEmbed, signSession } from '../../../src/auth/session-claims.js';
import { createTokenSigner } from '../../../src/auth/signed-token.js';
import type { RowsResponse } from '../../../src/shared/api-types.js';
import type { DashboardDataResponse } from '../../../src/shared/dashboard-types.js';
import { type TestApp, createTestApp } from '../../helpers/test-app.js';

const SECRET = 'embed-plugin-test-secret-0123456789abcdef';
const ORIGIN = 'https://intranet.example.com';
const TRENDS = [
  'date,tool,source,value',
  '2020-01-01,A,x,1',
  '2020-02-01,A,y,3',
  '2020-01-01,B,x,10',
  '2020-02-01,B,y,20',
  '2021-01-01,B,y,5',
].join('\n');
const SECRETS = ['id,code', '1,alpha', '2,beta'].join('\n');
const TOOLS = `
title: Tools
dataset: trends
filters:
  - column: tool
    default: A
  - column: source
panels:
  - id: count
    type: number
  - id: rows
    type: table
    select: [date, tool, source, value]
    order: date
    limit: 2
`;
const OTHER = 'title: Other\ndataset: secrets\npanels:\n  - id: n\n    type: number\n';

let root: string;
let testApp: TestApp;
const signer = createTokenSigner(SECRET);
let token: string;

function get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return testApp.app.inject({ method: 'GET', url, headers });
}

function withToken(url: string, value = token): string {
  return `${url}${url.includes('?') ? '&' : '?'}embed_token=${encodeURIComponent(value)}`;
}

function tamper(original: string): string {
  const [header, payload, signature] = original.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
    flt: Record<string, string>;
  };
  claims.flt = { tool: 'A' };
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dashport-embed-'));
  const dataDir = path.join(root, 'data');
  mkdirSync(path.join(dataDir, 'dashboards'), { recursive: true });
  writeFileSync(path.join(dataDir, 'trends.csv'), TRENDS);
  writeFileSync(path.join(dataDir, 'secrets.csv'), SECRETS);
  writeFileSync(path.join(dataDir, 'dashboards', 'tools.yaml'), TOOLS);
  writeFileSync(path.join(dataDir, 'dashboards', 'other.yaml'), OTHER);
  testApp = await createTestApp({
    dataDir,
    cacheDir: path.join(root, 'cache'),
    env: {
      DASHPORT_AUTH: 'basic',
      DASHPORT_SESSION_SECRET: SECRET,
      DASHPORT_USERS_FILE: path.join(root, 'users.txt'),
      DASHPORT_KEYS_FILE: path.join(root, 'keys.txt'),
      DASHPORT_EMBED_ORIGINS: `${ORIGIN},http://127.0.0.1:9999`,
    },
  });
  token = await signEmbed(signer, 'tools', { tool: 'B' }, 3600);
}, 120_000);

afterAll(async () => {
  await testApp?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('an embed token reads its dashboard with the locked filters', () => {
  it('in the x-dashport-embed header or the embed_token parameter', async () => {
    for (const response of [
      await get('/api/v1/dashboards/tools/data', { 'x-dashport-embed': token }),
      await get(withToken('/api/v1/dashboards/tools/data')),
    ]) {
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<DashboardDataResponse>();
      // The default (A) is replaced by the lock (B).
      expect(body.filters['tool']).toEqual(['B']);
      const count = body.panels['count'];
      expect(count?.kind === 'aggregate' && count.data.series[0]?.y).toEqual([3]);
    }
  });

  it('keeps the open filters usable and accepts the locked value restated', async () => {
    const open = await get('/api/v1/dashboards/tools/data?source=y', { 'x-dashport-embed': token });
    expect(open.statusCode, open.body).toBe(200);
    const count = open.json<DashboardDataResponse>().panels['count'];
    expect(count?.kind === 'aggregate' && count.data.series[0]?.y).toEqual([2]);
    for (const value of ['B', 'eq.B']) {
      const same = await get(`/api/v1/dashboards/tools/data?tool=${value}`, {
        'x-dashport-embed': token,
      });
      expect(same.statusCode, same.body).toBe(200);
    }
  });

  it.each(['tool=A', 'tool=', 'tool=in.(A,B)', 'tool=B&tool=A'])(
    'refuses %s with 403 naming the locked filter',
    async (query) => {
      const response = await get(`/api/v1/dashboards/tools/data?${query}`, {
        'x-dashport-embed': token,
      });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({
        code: 'DASHPORT_ERR_FORBIDDEN',
        message: expect.stringContaining('filter "tool" is locked to "B"'),
      });
    },
  );

  it('locks the rows of the dashboard datasets too (table pages, CSV downloads)', async () => {
    const rows = await get('/api/v1/datasets/trends/rows?select=tool&limit=100', {
      'x-dashport-embed': token,
    });
    expect(rows.statusCode, rows.body).toBe(200);
    expect(rows.json<RowsResponse>().rows).toEqual([['B'], ['B'], ['B']]);
    const csv = await get(withToken('/api/v1/datasets/trends/rows?select=tool&format=csv'));
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.body.trim().split(/\r?\n/)).toEqual(['tool', 'B', 'B', 'B']);
    const aggregate = await get('/api/v1/datasets/trends/aggregate?agg=count', {
      'x-dashport-embed': token,
    });
    expect(aggregate.statusCode, aggregate.body).toBe(200);
    expect(aggregate.json<{ series: { y: number[] }[] }>().series[0]?.y).toEqual([3]);
    for (const query of ['filter.tool=eq.A', 'tool=eq.A', 'filter.tool=neq.B']) {
      const other = await get(`/api/v1/datasets/trends/rows?${query}`, {
        'x-dashport-embed': token,
      });
      expect(other.statusCode, query).toBe(403);
      expect(other.json<{ message: string }>().message).toContain('filter "tool" is locked');
    }
  });
});

describe('an embed token gives access to nothing else', () => {
  it.each([
    '/api/v1/dashboards/other',
    '/api/v1/dashboards/other/data',
    '/api/v1/datasets/secrets',
    '/api/v1/datasets/secrets/rows',
    '/api/v1/datasets/secrets/aggregate?agg=count',
    '/api/v1/datasets/secrets/analysis/summary',
    '/embed/other',
  ])('GET %s → 403', async (url) => {
    const response = await get(url, { 'x-dashport-embed': token });
    expect(response.statusCode, response.body).toBe(403);
    expect(response.json()).toMatchObject({ code: 'DASHPORT_ERR_FORBIDDEN' });
  });

  it('never writes', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/api/v1/datasets/trends/rows',
      headers: { 'x-dashport-embed': token, 'content-type': 'application/json' },
      payload: '[{"date":"2022-01-01","tool":"B","source":"x","value":1}]',
    });
    expect(response.statusCode, response.body).toBe(403);
  });

  it('is not a session, and a session is not an embed token', async () => {
    const session = await signSession(signer, { name: 'ada', groups: [], source: 'basic' }, 60);
    const response = await get('/api/v1/dashboards/tools/data', { 'x-dashport-embed': session });
    expect(response.statusCode).toBe(401);
  });
});

describe('bad tokens are refused with 401', () => {
  it.each([
    ['tampered', async () => tamper(token)],
    [
      'expired',
      async () =>
        signEmbed(
          createTokenSigner(SECRET, () => Date.now() - 7200_000),
          'tools',
          {},
          60,
        ),
    ],
    [
      'forged',
      async () => signEmbed(createTokenSigner('x'.repeat(40)), 'tools', { tool: 'B' }, 3600),
    ],
    ['garbage', async () => 'not-a-token'],
  ])('%s', async (_name, make) => {
    const bad = await make();
    for (const response of [
      await get('/api/v1/dashboards/tools/data', { 'x-dashport-embed': bad }),
      await get(withToken('/api/v1/dashboards/tools/data', bad)),
      await get(withToken('/embed/tools', bad)),
    ]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'DASHPORT_ERR_UNAUTHORIZED' });
      expect(response.body).not.toContain(bad);
      // Refused answers are not framable.
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });
});

describe('frame-ancestors', () => {
  it('lets DASHPORT_EMBED_ORIGINS frame embed responses, without X-Frame-Options', async () => {
    for (const response of [
      await get(withToken('/embed/tools')),
      await get('/api/v1/dashboards/tools/data', { 'x-dashport-embed': token }),
      await get('/api/v1/dashboards/tools/data?tool=A', { 'x-dashport-embed': token }),
    ]) {
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain(`frame-ancestors ${ORIGIN} http://127.0.0.1:9999`);
      expect(csp).not.toContain("'none'; base-uri");
      expect(csp).toContain("default-src 'self'");
      expect(response.headers['x-frame-options']).toBeUndefined();
    }
  });

  it("keeps frame-ancestors 'none' and X-Frame-Options DENY everywhere else", async () => {
    const session = await signSession(signer, { name: 'ada', groups: [], source: 'basic' }, 60);
    for (const response of [
      await get('/embed/tools'),
      await get('/api/v1/dashboards/tools/data', { cookie: `dashport_session=${session}` }),
      await get('/'),
      await get('/health'),
    ]) {
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['x-frame-options']).toBe('DENY');
    }
  });
});

describe('with access control off', () => {
  let open: TestApp | undefined;
  let unsigned: TestApp | undefined;

  beforeAll(async () => {
    const dirs = { dataDir: path.join(root, 'data'), cacheDir: path.join(root, 'cache') };
    [open, unsigned] = await Promise.all([
      createTestApp({
        ...dirs,
        build: false,
        env: { DASHPORT_SESSION_SECRET: SECRET, DASHPORT_EMBED_ORIGINS: ORIGIN },
      }),
      createTestApp({ ...dirs, build: false }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await open?.close();
    await unsigned?.close();
  });

  it('still applies the locks and the framing of a valid token', async () => {
    const locked = await open?.app.inject({
      url: '/api/v1/dashboards/tools/data?tool=A',
      headers: { 'x-dashport-embed': token },
    });
    expect(locked?.statusCode).toBe(403);
    const response = await open?.app.inject({
      url: '/api/v1/dashboards/tools/data',
      headers: { 'x-dashport-embed': token },
    });
    expect(response?.statusCode).toBe(200);
    expect(response?.json<DashboardDataResponse>().filters['tool']).toEqual(['B']);
    expect(response?.headers['content-security-policy']).toContain(`frame-ancestors ${ORIGIN}`);
  });

  it('refuses embed tokens it cannot check (no DASHPORT_SESSION_SECRET) rather than ignore the locks', async () => {
    for (const response of [
      await unsigned?.app.inject({ url: withToken('/embed/tools') }),
      await unsigned?.app.inject({
        url: '/api/v1/dashboards/tools/data',
        headers: { 'x-dashport-embed': token },
      }),
    ]) {
      expect(response?.statusCode).toBe(401);
      expect(response?.json<{ message: string }>().message).toContain('DASHPORT_SESSION_SECRET');
    }
    const plain = await unsigned?.app.inject({ url: '/api/v1/dashboards/tools/data' });
    expect(plain?.statusCode).toBe(200);
  });
});
