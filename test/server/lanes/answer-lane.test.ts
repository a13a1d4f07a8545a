/**
 * The answer lane over real HTTP (inject() goes around the server, and so around the lanes):
 * cached aggregates are answered as the route answers them, and only to a request the policy
 * lets an anonymous viewer see. Every other viewer — the wrong group, a forged cookie, a proxy
 * header from an untrusted address, an embed token, no credential for a private dataset — is
 * left to the route, which refuses it, however many times an allowed viewer filled the cache.
 * `dashport_lane_answers_total{lane="answer"}` tells which requests the lane answered.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/auth/password-verifier.js';
import { SESSION_COOKIE, signEmbed } from '../../../src/auth/session-claims.js';
import { createTokenSigner } from '../../../src/auth/signed-token.js';
import { formatUsers } from '../../../src/auth/users-file.js';
import {
  type ListeningTestApp,
  type TestApp,
  startListeningTestApp,
} from '../../helpers/test-app.js';

const SECRET = 'l'.repeat(40);
const CSV = 'day,team,amount\n2024-01-01,a,1\n2024-01-02,b,2\n2024-01-03,a,3\n';
const AGGREGATE = '/api/v1/datasets/DATASET/aggregate?x=team&agg=sum&y=amount';
const of = (dataset: string) => AGGREGATE.replace('DATASET', dataset);

const basic = (name: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`,
});

/**
 * Headers both paths must agree on: all but the per-request and per-connection ones
 * (Content-Length too: meta.durationMs is this request's, and its digits vary).
 */
function comparable(headers: Headers | Record<string, unknown>): Record<string, string> {
  const entries =
    headers instanceof Headers
      ? [...headers.entries()]
      : Object.entries(headers).map(([name, value]) => [name, String(value)] as const);
  return Object.fromEntries(
    entries.filter(
      ([name]) =>
        ![
          'date',
          'connection',
          'keep-alive',
          'x-request-id',
          'server-timing',
          'content-length',
        ].includes(name),
    ),
  );
}

/** The real app over `files`, the `open` dataset always among them. */
function startLaneServer(
  name: string,
  files: Readonly<Record<string, string>>,
  env?: (root: string) => Readonly<Record<string, string>>,
): Promise<ListeningTestApp> {
  return startListeningTestApp(name, { 'data/open.csv': CSV, ...files }, env);
}

async function laneAnswers(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const match = /dashport_lane_answers_total\{lane="answer"\} (\d+)/.exec(text);
  return Number(match?.[1] ?? 0);
}

describe('the answer lane with access control', () => {
  let server: ListeningTestApp;
  let test: TestApp;
  let base: string;

  beforeAll(async () => {
    const users = formatUsers([
      { name: 'ada', hash: await hashPassword('ada-password'), groups: ['finance'] },
      { name: 'bob', hash: await hashPassword('bob-password'), groups: ['sales'] },
    ]);
    const started = await startLaneServer(
      'answer-lane',
      {
        'data/finance.csv': CSV,
        'data/dashport.yaml':
          'datasets:\n  finance:\n    access: { groups: [finance] }\n  open:\n    public: true\n',
        'data/dashboards/status.yaml':
          'title: Status\ndataset: open\npublic: true\npanels:\n  - { id: total, type: number, agg: count }\n',
        'users.txt': users,
      },
      (root) => ({
        NODE_ENV: 'production',
        DASHPORT_AUTH: 'basic,proxy',
        DASHPORT_SESSION_SECRET: SECRET,
        DASHPORT_USERS_FILE: path.join(root, 'users.txt'),
        DASHPORT_PROXY_USER_HEADER: 'X-Forwarded-User',
        DASHPORT_PROXY_GROUPS_HEADER: 'X-Forwarded-Groups',
        // The test client is 127.0.0.1: not a trusted proxy.
        DASHPORT_TRUST_PROXY: '10.0.0.0/8',
      }),
    );
    server = started;
    test = started.test;
    base = started.base;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('answers a cached public aggregate as the route does, 304 included', async () => {
    const first = await fetch(`${base}${of('open')}`);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { meta: { cached: boolean } }).meta.cached).toBe(false);
    const before = await laneAnswers(base);

    const lane = await fetch(`${base}${of('open')}`);
    const route = await test.app.inject({ method: 'GET', url: of('open') });
    expect(await laneAnswers(base)).toBe(before + 1);
    expect(lane.status).toBe(200);
    expect(route.statusCode).toBe(200);
    const laneBody = (await lane.json()) as { meta: Record<string, unknown> };
    const routeBody = route.json<{ meta: Record<string, unknown> }>();
    expect({ ...laneBody, meta: { ...laneBody.meta, durationMs: 0 } }).toEqual({
      ...routeBody,
      meta: { ...routeBody.meta, durationMs: 0 },
    });
    expect(laneBody.meta['cached']).toBe(true);
    expect(comparable(lane.headers)).toEqual(comparable(route.headers));
    expect(lane.headers.get('cache-control')).toBe('private, no-cache');
    expect(lane.headers.get('strict-transport-security')).toContain('max-age=');
    expect(lane.headers.get('server-timing')).toMatch(/^db;dur=0\.00;desc="cached", total;dur=/);
    expect(lane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const etag = lane.headers.get('etag') ?? '';
    const conditional = await fetch(`${base}${of('open')}`, { headers: { 'if-none-match': etag } });
    expect(conditional.status).toBe(304);
    expect(await conditional.text()).toBe('');
    expect(await laneAnswers(base)).toBe(before + 2);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    const served =
      /dashport_http_requests_total\{method="GET",route="\/api\/v1\/datasets\/:id\/aggregate",status_code="200"\} (\d+)/.exec(
        metrics,
      );
    // The route's first answer, the lane's and inject's.
    expect(Number(served?.[1])).toBe(3);
  });

  it('never answers a viewer the policy refuses, after an allowed viewer filled the cache', async () => {
    const allowed = await fetch(`${base}${of('finance')}`, {
      headers: basic('ada', 'ada-password'),
    });
    expect(allowed.status).toBe(200);
    const again = await fetch(`${base}${of('finance')}`, { headers: basic('ada', 'ada-password') });
    expect(((await again.json()) as { meta: { cached: boolean } }).meta.cached).toBe(true);
    const before = await laneAnswers(base);

    const anonymous = await fetch(`${base}${of('finance')}`);
    expect(anonymous.status).toBe(401);
    const wrongGroup = await fetch(`${base}${of('finance')}`, {
      headers: basic('bob', 'bob-password'),
    });
    expect(wrongGroup.status).toBe(403);
    // From 127.0.0.1 the proxy's identity headers are ignored: still anonymous, still refused.
    const untrustedProxy = await fetch(`${base}${of('finance')}`, {
      headers: { 'x-forwarded-user': 'ada', 'x-forwarded-groups': 'finance' },
    });
    expect(untrustedProxy.status).toBe(401);
    const forgedCookie = await fetch(`${base}${of('finance')}`, {
      headers: { cookie: `${SESSION_COOKIE}=forged.token.value` },
    });
    expect(forgedCookie.status).toBe(401);
    // An embed link of another dashboard may not read this dataset.
    const signer = createTokenSigner(SECRET);
    const token = await signEmbed(signer, 'status', {}, 600);
    const embed = await fetch(`${base}${of('finance')}&embed_token=${encodeURIComponent(token)}`);
    expect(embed.status).toBe(403);
    const embedHeader = await fetch(`${base}${of('finance')}`, {
      headers: { 'x-dashport-embed': token },
    });
    expect(embedHeader.status).toBe(403);
    expect(await laneAnswers(base)).toBe(before);
  });

  it('leaves requests with a credential, uncached answers and HEAD to the route', async () => {
    const before = await laneAnswers(base);
    // A credential is the route's to check, even on a public dataset.
    const wrongPassword = await fetch(`${base}${of('open')}`, {
      headers: basic('ada', 'not-her-password'),
    });
    expect(wrongPassword.status).toBe(401);
    const withSession = await fetch(`${base}${of('open')}`, {
      headers: { cookie: `${SESSION_COOKIE}=forged.token.value` },
    });
    expect(withSession.status).toBe(200);
    const uncached = await fetch(`${base}/api/v1/datasets/open/aggregate?x=day&agg=count`);
    expect(uncached.status).toBe(200);
    const head = await fetch(`${base}${of('open')}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const unknown = await fetch(`${base}/api/v1/datasets/nope/aggregate?agg=count`);
    // Signed out, an unknown dataset is refused like a private one: its absence is not told.
    expect(unknown.status).toBe(401);
    const badParameter = await fetch(`${base}/api/v1/datasets/open/aggregate?agg=nope`);
    expect(badParameter.status).toBe(400);
    expect(await laneAnswers(base)).toBe(before);
  });
});

describe('the answer lane and the rate limit', () => {
  let server: ListeningTestApp;
  let base: string;

  beforeAll(async () => {
    server = await startLaneServer('answer-lane-limit', {}, () => ({
      DASHPORT_RATE_LIMIT: '3/minute',
    }));
    base = server.base;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('takes the same tokens as the route, and leaves the 429 to it', async () => {
    const statuses: number[] = [];
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await fetch(`${base}${of('open')}`);
      statuses.push(response.status);
      remaining.push(response.headers.get('ratelimit-remaining'));
      if (i === 3) {
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        const body = (await response.json()) as { statusCode: number; message: string };
        expect(body.statusCode).toBe(429);
        expect(body.message).toContain('DASHPORT_RATE_LIMIT');
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(remaining).toEqual(['2', '1', '0', '0']);
    // The route computed the first; the lane answered the next two; the route refused the last.
    expect(await laneAnswers(base)).toBe(2);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /dashport_rate_limited_requests_total\{route="\/api\/v1\/datasets\/:id\/aggregate"\} 1/,
    );
  });
});

describe('the answer lane without access control', () => {
  let server: ListeningTestApp;
  let base: string;

  beforeAll(async () => {
    server = await startLaneServer('answer-lane-open', {});
    base = server.base;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('answers anonymous viewers, and leaves embed tokens no secret can check to the route', async () => {
    expect((await fetch(`${base}${of('open')}`)).status).toBe(200);
    const before = await laneAnswers(base);
    expect((await fetch(`${base}${of('open')}`)).status).toBe(200);
    expect(await laneAnswers(base)).toBe(before + 1);
    // No DASHPORT_SESSION_SECRET: the embed plugin refuses the token, the lane never sees it.
    const embedded = await fetch(`${base}${of('open')}&embed_token=anything`);
    expect(embedded.status).toBe(401);
    const header = await fetch(`${base}${of('open')}`, { headers: { 'x-dashport-embed': 'x' } });
    expect(header.status).toBe(401);
    expect(await laneAnswers(base)).toBe(before + 1);
  });
});
