import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  HSTS_VALUE,
} from '../../../src/server/plugins/security-headers.js';
import { type EdgeApp, createEdgeApp } from './edge-app.js';

/** One request of every kind the server answers. */
const KINDS = [
  { name: 'API 200', method: 'GET', url: '/api/v1/things/42', status: 200 },
  { name: 'API 400', method: 'GET', url: '/api/v1/bad', status: 400 },
  { name: 'API 500', method: 'GET', url: '/api/v1/boom', status: 500 },
  { name: '404', method: 'GET', url: '/no/such/page', status: 404 },
  {
    name: '413',
    method: 'POST',
    url: '/api/v1/echo',
    status: 413,
    payload: { big: 'x'.repeat(4096) },
  },
  { name: 'static file', method: 'GET', url: '/assets/app-3f2a1b.js', status: 200 },
  { name: 'bad URL', method: 'GET', url: '/api/v1/things/%E0%A4%A', status: 400 },
] as const;

function expectSecurityHeaders(headers: Record<string, unknown>, production: boolean): void {
  expect(headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
  expect(headers['x-powered-by']).toBeUndefined();
  if (production) expect(headers['strict-transport-security']).toBe(HSTS_VALUE);
  else expect(headers['strict-transport-security']).toBeUndefined();
}

describe('edge plugins', () => {
  let dev: EdgeApp;
  let prod: EdgeApp;

  beforeAll(async () => {
    dev = await createEdgeApp({ production: false, corsOrigins: ['https://dash.example.com'] });
    prod = await createEdgeApp({ production: true });
  });

  afterAll(async () => {
    await dev?.close();
    await prod?.close();
  });

  it.each(KINDS)('sets every security header on $name', async (kind) => {
    for (const [edge, production] of [
      [dev, false],
      [prod, true],
    ] as const) {
      const response = await edge.app.inject({
        method: kind.method,
        url: kind.url,
        ...('payload' in kind ? { payload: kind.payload } : {}),
      });
      expect(response.statusCode).toBe(kind.status);
      expectSecurityHeaders(response.headers, production);
    }
  });

  it('keeps a sane X-Request-Id and replaces anything else', async () => {
    const kept = await dev.app.inject({
      url: '/api/v1/things/1',
      headers: { 'x-request-id': 'trace-abc_123.4' },
    });
    expect(kept.headers['x-request-id']).toBe('trace-abc_123.4');
    for (const bad of ['has space', 'x'.repeat(129), 'semi;colon', 'new\u2028line']) {
      const replaced = await dev.app.inject({
        url: '/api/v1/things/1',
        headers: { 'x-request-id': bad },
      });
      expect(replaced.headers['x-request-id']).not.toBe(bad);
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('never shows a stack trace or the error internals in production', async () => {
    const response = await prod.app.inject({ url: '/api/v1/boom' });
    const body = response.json<{ message: string }>();
    expect(body.message).not.toContain('hunter2');
    expect(response.body).not.toContain('at ');
  });

  it('writes one access line per request with route, status, duration, bytes, id and ip', async () => {
    dev.logs.length = 0;
    const response = await dev.app.inject({
      url: '/api/v1/things/7?dsn=postgres://app:s3cret@db/x',
      headers: { 'x-request-id': 'access-1', authorization: 'Bearer top-secret-token' },
      remoteAddress: '203.0.113.9',
    });
    expect(response.statusCode).toBe(200);
    const lines = dev.logs.filter((line) => line.reqId === 'access-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      method: 'GET',
      route: '/api/v1/things/:id',
      status: 200,
      bytes: Number(response.headers['content-length']),
      ip: '203.0.113.9',
    });
    expect(typeof lines[0]?.duration_ms).toBe('number');
    const text = JSON.stringify(dev.logs);
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('top-secret-token');
    expect(text).toContain('postgres://app:***@db/x');
  });

  it('logs probe routes at debug and failures at error', async () => {
    dev.logs.length = 0;
    await dev.app.inject({ url: '/livez', headers: { 'x-request-id': 'probe-1' } });
    await dev.app.inject({ url: '/api/v1/boom', headers: { 'x-request-id': 'fails-1' } });
    const probe = dev.logs.find((line) => line.reqId === 'probe-1' && line.route === '/livez');
    expect(probe?.level).toBe(20);
    const failure = dev.logs.find((line) => line.reqId === 'fails-1' && line.status === 500);
    expect(failure?.level).toBe(50);
  });

  it('labels request metrics by route pattern, never by raw URL', async () => {
    for (const id of ['1', '2', '3']) await dev.app.inject({ url: `/api/v1/things/${id}` });
    await dev.app.inject({ url: '/random/path/abc' });
    const text = await dev.operations.metrics.registry.metrics();
    expect(text).toContain(
      'dashport_http_requests_total{method="GET",route="/api/v1/things/:id",status_code="200"}',
    );
    expect(text).toContain('route="(unmatched)",status_code="404"');
    expect(text).not.toContain('/api/v1/things/1');
    expect(text).not.toContain('/random/path');
    expect(dev.operations.requestsServed).toBeGreaterThan(3);
  });

  it('allows only the configured CORS origins', async () => {
    const allowed = await dev.app.inject({
      url: '/api/v1/things/1',
      headers: { origin: 'https://dash.example.com' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://dash.example.com');
    expect(allowed.headers['access-control-expose-headers']).toContain('X-Request-Id');
    const other = await dev.app.inject({
      url: '/api/v1/things/1',
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await dev.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/things/1',
      headers: { origin: 'https://dash.example.com', 'access-control-request-method': 'GET' },
    });
    expect(preflight.statusCode).toBe(204);
    expectSecurityHeaders(preflight.headers, false);
    const none = await prod.app.inject({
      url: '/api/v1/things/1',
      headers: { origin: 'https://dash.example.com' },
    });
    expect(none.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('closes connections while draining', async () => {
    const before = await dev.app.inject({ url: '/api/v1/things/1' });
    expect(before.headers.connection).not.toBe('close');
    let drained = 0;
    dev.operations.onDrain(() => {
      drained += 1;
    });
    dev.operations.startDrain();
    dev.operations.startDrain();
    const after = await dev.app.inject({ url: '/api/v1/things/1' });
    expect(after.headers.connection).toBe('close');
    expect(drained).toBe(1);
    dev.operations.closingConnections = false;
  });
});

describe('Server-Timing', () => {
  it('is on API responses with what the route recorded, and nowhere else', async () => {
    const edge = await createEdgeApp();
    try {
      const api = await edge.app.inject({ url: '/api/v1/things/3' });
      expect(api.headers['server-timing']).toMatch(
        /^db;dur=1\.50;desc="engine", total;dur=\d+\.\d\d$/,
      );
      const error = await edge.app.inject({ url: '/api/v1/bad' });
      expect(error.headers['server-timing']).toMatch(/^total;dur=/);
      for (const url of ['/livez', '/assets/app-3f2a1b.js', '/nowhere']) {
        expect((await edge.app.inject({ url })).headers['server-timing']).toBeUndefined();
      }
    } finally {
      await edge.close();
    }
  });
});

describe('request timeout', () => {
  it('answers 503 with Retry-After when a request outlives DASHPORT_TIMEOUT', async () => {
    const edge = await createEdgeApp({ timeoutSeconds: 0.1 });
    try {
      const response = await edge.app.inject({ url: '/api/v1/slow' });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toMatchObject({ code: 'DASHPORT_ERR_QUERY_TIMEOUT' });
      expect(response.json<{ message: string }>().message).toContain('DASHPORT_TIMEOUT (0.1 s)');
      expectSecurityHeaders(response.headers, false);
      const quick = await edge.app.inject({ url: '/api/v1/things/1' });
      expect(quick.statusCode).toBe(200);
    } finally {
      await edge.close();
    }
  });
});
