/**
 * Access control end to end on the real app (SPEC §9): every data endpoint and format for an
 * anonymous client, a user of the wrong group and a user of the right group; lists that leave
 * out what the viewer may not see; forged, expired and tampered cookies and keys refused; the
 * proxy header honoured only from a trusted peer; CSRF; sign-in limits; three replicas with
 * one secret accepting one session cookie.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKeys, hashKey } from '../../src/auth/keys-file.js';
import { hashPassword } from '../../src/auth/password-verifier.js';
import { SESSION_COOKIE, signSession } from '../../src/auth/session-claims.js';
import { createTokenSigner } from '../../src/auth/signed-token.js';
import { formatUsers } from '../../src/auth/users-file.js';
import { type TestApp, createTestApp } from '../helpers/test-app.js';

const SECRET = 's'.repeat(40);
const READ_KEY = 'dpk_test_read_key_plain_only_0123456789abcdefghij';
const WRITE_KEY = 'dpk_test_write_key_everything_0123456789abcdefghij';

let root: string;
let env: Record<string, string>;
let main: TestApp;
const replicas: TestApp[] = [];

const CSV = 'day,team,amount,qty\n2024-01-01,a,1,5\n2024-01-02,b,2,3\n2024-01-03,a,3,9\n';

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dashport-auth-matrix-'));
  const data = path.join(root, 'data');
  mkdirSync(path.join(data, 'dashboards'), { recursive: true });
  for (const name of ['finance', 'plain', 'open'])
    writeFileSync(path.join(data, `${name}.csv`), CSV);
  writeFileSync(
    path.join(data, 'dashport.yaml'),
    'datasets:\n  finance:\n    access: { groups: [finance] }\n  open:\n    public: true\n',
  );
  writeFileSync(
    path.join(data, 'dashboards', 'money.yaml'),
    'title: Money\ndataset: finance\naccess: { groups: [finance] }\npanels:\n  - { id: total, type: number, agg: count }\n',
  );
  writeFileSync(
    path.join(data, 'dashboards', 'mixed.yaml'),
    'title: Mixed\ndataset: plain\npanels:\n  - { id: mine, type: number, agg: count }\n  - { id: theirs, type: number, agg: count, dataset: finance }\n',
  );
  writeFileSync(
    path.join(data, 'dashboards', 'status.yaml'),
    'title: Status\ndataset: open\npublic: true\npanels:\n  - { id: total, type: number, agg: count }\n',
  );
  const users = path.join(root, 'users.txt');
  writeFileSync(
    users,
    formatUsers([
      { name: 'ada', hash: await hashPassword('ada-password'), groups: ['finance'] },
      { name: 'bob', hash: await hashPassword('bob-password'), groups: ['sales'] },
    ]),
  );
  const keys = path.join(root, 'keys.txt');
  writeFileSync(
    keys,
    formatKeys([
      { name: 'reader', hash: hashKey(READ_KEY), scope: 'read', datasets: ['plain'], created: 'x' },
      {
        name: 'writer',
        hash: hashKey(WRITE_KEY),
        scope: 'write',
        datasets: undefined,
        created: 'x',
      },
    ]),
  );
  env = {
    DASHPORT_AUTH: 'basic,proxy',
    DASHPORT_SESSION_SECRET: SECRET,
    DASHPORT_USERS_FILE: users,
    DASHPORT_KEYS_FILE: keys,
    DASHPORT_PROXY_USER_HEADER: 'X-Forwarded-User',
    DASHPORT_PROXY_GROUPS_HEADER: 'X-Forwarded-Groups',
    DASHPORT_TRUST_PROXY: '10.0.0.0/8',
  };
  const cacheDir = path.join(root, 'cache');
  main = await createTestApp({ dataDir: data, cacheDir, env });
  for (let i = 0; i < 2; i++) {
    replicas.push(await createTestApp({ dataDir: data, cacheDir, env, build: false }));
  }
}, 120_000);

afterAll(async () => {
  for (const app of [main, ...replicas]) await app?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const basic = (name: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`,
});

async function login(app: TestApp, name: string, password: string): Promise<string> {
  const response = await app.app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { name, password },
  });
  expect(response.statusCode, response.body).toBe(200);
  const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE);
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  return cookie?.value ?? '';
}

const DATASET_ENDPOINTS = [
  '/api/v1/datasets/finance',
  '/api/v1/datasets/finance/rows',
  '/api/v1/datasets/finance/rows?format=csv',
  '/api/v1/datasets/finance/rows?format=ndjson',
  '/api/v1/datasets/finance/rows?format=parquet',
  '/api/v1/datasets/finance/rows?format=arrow',
  '/api/v1/datasets/finance/aggregate?x=team&agg=count',
  '/api/v1/datasets/finance/analysis/summary',
  '/api/v1/datasets/finance/analysis/correlation',
  '/api/v1/dashboards/money',
  '/api/v1/dashboards/money/data',
];

describe('every data endpoint × anonymous, wrong group, right group', () => {
  it.each(DATASET_ENDPOINTS)('%s', async (url) => {
    const anonymous = await main.app.inject({ url });
    expect(anonymous.statusCode, anonymous.body).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'DASHPORT_ERR_UNAUTHORIZED' });
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm="dashport"/);

    const wrong = await main.app.inject({ url, headers: basic('bob', 'bob-password') });
    expect(wrong.statusCode, wrong.body).toBe(403);
    expect(wrong.json()).toMatchObject({ code: 'DASHPORT_ERR_FORBIDDEN' });

    const right = await main.app.inject({ url, headers: basic('ada', 'ada-password') });
    expect(right.statusCode, right.body).toBe(200);
    expect(right.headers['cache-control']).toBe('private, no-cache');
  });

  it('SSE events: 401 and 403 before any stream starts', async () => {
    const url = '/api/v1/datasets/finance/events';
    expect((await main.app.inject({ url })).statusCode).toBe(401);
    const wrong = await main.app.inject({ url, headers: basic('bob', 'bob-password') });
    expect(wrong.statusCode).toBe(403);
  });

  it('the same through a session cookie, and through the trusted proxy', async () => {
    const bob = await login(main, 'bob', 'bob-password');
    const ada = await login(main, 'ada', 'ada-password');
    const url = '/api/v1/datasets/finance/rows';
    expect((await main.app.inject({ url, cookies: { [SESSION_COOKIE]: bob } })).statusCode).toBe(
      403,
    );
    expect((await main.app.inject({ url, cookies: { [SESSION_COOKIE]: ada } })).statusCode).toBe(
      200,
    );
    const proxied = { 'x-forwarded-user': 'ada', 'x-forwarded-groups': 'finance' };
    const trusted = await main.app.inject({ url, headers: proxied, remoteAddress: '10.1.2.3' });
    expect(trusted.statusCode).toBe(200);
    // A client that sends the header itself, from an address that is not the proxy: nothing.
    const direct = await main.app.inject({ url, headers: proxied, remoteAddress: '192.0.2.7' });
    expect(direct.statusCode).toBe(401);
  });

  it('public resources and the default rule', async () => {
    expect((await main.app.inject({ url: '/api/v1/datasets/open/rows' })).statusCode).toBe(200);
    expect((await main.app.inject({ url: '/api/v1/dashboards/status/data' })).statusCode).toBe(200);
    // No rule, default authenticated: any signed-in user, no anonymous client.
    expect((await main.app.inject({ url: '/api/v1/datasets/plain/rows' })).statusCode).toBe(401);
    const bob = await main.app.inject({
      url: '/api/v1/datasets/plain/rows',
      headers: basic('bob', 'bob-password'),
    });
    expect(bob.statusCode).toBe(200);
  });

  it('a dashboard panel over a forbidden dataset answers 403 for that panel alone', async () => {
    const response = await main.app.inject({
      url: '/api/v1/dashboards/mixed/data',
      headers: basic('bob', 'bob-password'),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      panels: Record<string, { kind: string; error?: { statusCode: number } }>;
    };
    expect(body.panels['mine']?.kind).not.toBe('error');
    expect(body.panels['theirs']).toMatchObject({ kind: 'error', error: { statusCode: 403 } });
    const ada = await main.app.inject({
      url: '/api/v1/dashboards/mixed/data',
      headers: basic('ada', 'ada-password'),
    });
    const adaBody = ada.json() as typeof body;
    expect(adaBody.panels['theirs']?.kind).not.toBe('error');
    // The ETag depends on what the viewer may read: bob's copy never revalidates for ada.
    expect(ada.headers.etag).not.toBe(response.headers.etag);
  });
});

describe('lists leave out what the viewer may not see', () => {
  const ids = async (url: string, key: 'datasets' | 'dashboards', headers = {}) =>
    ((await main.app.inject({ url, headers })).json() as Record<string, { id: string }[]>)[key]
      ?.map((entry) => entry.id)
      .sort();

  it('datasets and dashboards', async () => {
    expect(await ids('/api/v1/datasets', 'datasets')).toEqual(['open']);
    expect(await ids('/api/v1/datasets', 'datasets', basic('bob', 'bob-password'))).toEqual([
      'open',
      'plain',
    ]);
    expect(await ids('/api/v1/datasets', 'datasets', basic('ada', 'ada-password'))).toEqual([
      'finance',
      'open',
      'plain',
    ]);
    expect(await ids('/api/v1/dashboards', 'dashboards')).toEqual(['status']);
    expect(await ids('/api/v1/dashboards', 'dashboards', basic('bob', 'bob-password'))).toEqual([
      'mixed',
      'status',
    ]);
  });

  it('/openapi.json names only readable datasets', async () => {
    const anonymous = (await main.app.inject({ url: '/openapi.json' })).body;
    expect(anonymous).not.toContain('"finance"');
    expect(anonymous).toContain('"open"');
    const ada = (
      await main.app.inject({ url: '/openapi.json', headers: basic('ada', 'ada-password') })
    ).body;
    expect(ada).toContain('"finance"');
  });

  it('probes and /metrics need no sign-in', async () => {
    for (const url of ['/livez', '/readyz', '/health', '/health/quick', '/metrics']) {
      const response = await main.app.inject({ url });
      expect([200, 503], url).toContain(response.statusCode);
    }
    const health = (await main.app.inject({ url: '/health' })).json() as {
      checks: { security: Record<string, unknown> };
    };
    expect(health.checks.security).toMatchObject({
      auth_mode: 'basic,proxy',
      all_data_public: false,
    });
  });
});

describe('refused credentials', () => {
  const url = '/api/v1/datasets/finance/rows';

  it('forged, expired and tampered cookies are anonymous', async () => {
    const forged = await signSession(
      createTokenSigner('x'.repeat(40)),
      { name: 'ada', groups: ['finance'], source: 'basic' },
      600,
    );
    const expired = await signSession(
      createTokenSigner(SECRET, () => Date.now() - 3_600_000),
      { name: 'ada', groups: ['finance'], source: 'basic' },
      60,
    );
    const good = await login(main, 'bob', 'bob-password');
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { groups: string[] };
    claims.groups = ['finance'];
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    for (const cookie of [forged, expired, tampered, 'garbage']) {
      const response = await main.app.inject({ url, cookies: { [SESSION_COOKIE]: cookie } });
      expect(response.statusCode).toBe(401);
    }
  });

  it('keys: scope and dataset list hold; unknown keys and wrong passwords are 401', async () => {
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
    const plain = await main.app.inject({
      url: '/api/v1/datasets/plain/rows',
      headers: bearer(READ_KEY),
    });
    expect(plain.statusCode).toBe(200);
    expect((await main.app.inject({ url, headers: bearer(READ_KEY) })).statusCode).toBe(403);
    expect((await main.app.inject({ url, headers: bearer(WRITE_KEY) })).statusCode).toBe(200);
    const tamperedKey = `${READ_KEY.slice(0, -1)}X`;
    const unknown = await main.app.inject({ url, headers: bearer(tamperedKey) });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).not.toContain(tamperedKey);
    const wrongPassword = await main.app.inject({ url, headers: basic('ada', 'nope-nope') });
    expect(wrongPassword.statusCode).toBe(401);
    // A browser is not challenged (it would pop up its own dialog over the web app).
    const browser = await main.app.inject({ url, headers: { 'sec-fetch-mode': 'cors' } });
    expect(browser.statusCode).toBe(401);
    expect(browser.headers['www-authenticate']).toBeUndefined();
  });

  it('a cookie-authenticated write from another origin is refused (CSRF)', async () => {
    const ada = await login(main, 'ada', 'ada-password');
    const cross = await main.app.inject({
      method: 'POST',
      url: '/auth/logout',
      cookies: { [SESSION_COOKIE]: ada },
      headers: { origin: 'http://evil.example', host: 'localhost:80' },
    });
    expect(cross.statusCode).toBe(403);
    expect(cross.json()).toMatchObject({ code: 'DASHPORT_ERR_CSRF' });
    const same = await main.app.inject({
      method: 'POST',
      url: '/auth/logout',
      cookies: { [SESSION_COOKIE]: ada },
      headers: { origin: 'http://localhost:80', host: 'localhost:80' },
    });
    expect(same.statusCode).toBe(204);
  });

  it('sign-in attempts are limited per user (429 with Retry-After), and counted', async () => {
    let last = 0;
    for (let i = 0; i < 12; i++) {
      const response = await main.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { name: 'carol', password: `guess-${i}` },
        remoteAddress: `10.9.0.${i}`,
      });
      last = response.statusCode;
      if (last === 429) {
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
        break;
      }
      expect(last).toBe(401);
    }
    expect(last).toBe(429);
    const metrics = (await main.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/dashport_sign_ins_total\{method="form",outcome="failure"\} \d+/);
    expect(metrics).toMatch(/dashport_sign_ins_total\{method="form",outcome="limited"\} \d+/);
  });

  it('a bad sign-in body names the parameter', async () => {
    const response = await main.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { name: 'ada' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ parameter: 'password' });
  });

  it('a form sign-in redirects to a local next page only', async () => {
    const response = await main.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=ada&password=ada-password&next=%2F%2Fevil.example',
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
  });
});

describe('replicas', () => {
  it('three apps with one secret accept one session cookie', async () => {
    const cookie = await login(main, 'ada', 'ada-password');
    for (const app of [main, ...replicas]) {
      const me = await app.app.inject({ url: '/auth/me', cookies: { [SESSION_COOKIE]: cookie } });
      expect(me.json()).toMatchObject({ authenticated: true, identity: { name: 'ada' } });
      const rows = await app.app.inject({
        url: '/api/v1/datasets/finance/rows',
        cookies: { [SESSION_COOKIE]: cookie },
      });
      expect(rows.statusCode).toBe(200);
    }
  });
});
