/**
 * Static serving of the built web app: pre-compressed assets cached for a year, the HTML
 * revalidated every time, client routes answered with the app, API paths left alone.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { renderDocs } from '../../../../src/server/routes/docs/render-docs.js';
import { FAVICON_SVG } from '../../../../src/server/routes/web/favicon.js';
import { webRoutes } from '../../../../src/server/routes/web/index.js';

const HTML =
  '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

let root: string;
let app: FastifyInstance;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dashport-web-root-'));
  mkdirSync(path.join(root, 'assets'));
  writeFileSync(path.join(root, 'index.html'), HTML);
  writeFileSync(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(root, 'assets', 'index-abc123.js'), SCRIPT);
  writeFileSync(path.join(root, 'assets', 'index-abc123.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(path.join(root, 'assets', 'index-abc123.js.gz'), gzipSync(SCRIPT));
  app = Fastify();
  app.get('/api/v1/ping', async () => ({ ok: true }));
  await app.register(webRoutes, { root });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('web routes', () => {
  it('serves fingerprinted assets pre-compressed and immutable for a year', async () => {
    const br = await app.inject({
      url: '/assets/index-abc123.js',
      headers: { 'accept-encoding': 'br, gzip' },
    });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['vary']).toMatch(/accept-encoding/i);
    expect(br.rawPayload.length).toBeLessThan(SCRIPT.length / 10);
    const gz = await app.inject({
      url: '/assets/index-abc123.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await app.inject({
      url: '/assets/index-abc123.js',
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
  });

  it('answers the app HTML, never cached, on the home page and every client route', async () => {
    for (const url of ['/', '/dashboards/management-tools?tool=A', '/datasets/pg.orders']) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toBe(HTML);
    }
  });

  it('leaves the API and unknown paths to their own handlers', async () => {
    expect((await app.inject('/api/v1/ping')).json()).toEqual({ ok: true });
    expect((await app.inject('/assets/missing-000.js')).statusCode).toBe(404);
    expect((await app.inject('/nope')).statusCode).toBe(404);
    expect((await app.inject('/assets/../index.html')).statusCode).not.toBe(200);
  });

  it('answers 503 with the build command while the app is not built', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'dashport-web-empty-'));
    const bare = Fastify();
    await bare.register(webRoutes, { root: empty });
    const response = await bare.inject('/');
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run build');
    await bare.close();
    rmSync(empty, { recursive: true, force: true });
  });

  it('answers /favicon.ico and /favicon.svg with the icon, cached a day and revalidated by ETag, built or not', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'dashport-web-empty-'));
    const bare = Fastify();
    await bare.register(webRoutes, { root: empty });
    try {
      for (const url of ['/favicon.ico', '/favicon.svg']) {
        const response = await bare.inject(url);
        expect(response.statusCode, url).toBe(200);
        expect(response.headers['content-type']).toBe('image/svg+xml');
        expect(response.headers['cache-control']).toBe('public, max-age=86400');
        expect(response.body).toBe(FAVICON_SVG);
        const etag = String(response.headers['etag']);
        expect(etag).toMatch(/^"[\w-]{27}"$/);
        const again = await bare.inject({ url, headers: { 'if-none-match': etag } });
        expect(again.statusCode).toBe(304);
        expect(again.body).toBe('');
      }
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('serves the same icon the web build ships, and /docs links it', () => {
    const shipped = readFileSync(
      path.join(import.meta.dirname, '../../../../web/public/favicon.svg'),
      'utf8',
    );
    expect(FAVICON_SVG).toBe(shipped);
    const html = renderDocs({ info: { title: 'Dashport', version: '1' }, paths: {} });
    expect(html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
  });

  it('names the preloads of a dashboard page in a Link header, and of no other page', async () => {
    const preloaded = Fastify();
    const asked: { id: string; search: string }[] = [];
    await preloaded.register(webRoutes, {
      root,
      dashboardPagePreload: (_identity, id, search) => {
        asked.push({ id, search });
        return id === 'sales' ? ['/api/v1/dashboards', '/api/v1/dashboards/sales/data?tool=A'] : [];
      },
    });
    try {
      const page = await preloaded.inject('/dashboards/sales?tool=A&tab=x');
      expect(page.statusCode).toBe(200);
      expect(page.headers['link']).toBe(
        '</api/v1/dashboards>; rel=preload; as=fetch; crossorigin=anonymous, </api/v1/dashboards/sales/data?tool=A>; rel=preload; as=fetch; crossorigin=anonymous',
      );
      expect(asked).toEqual([{ id: 'sales', search: '?tool=A&tab=x' }]);
      const other = await preloaded.inject('/dashboards/other');
      expect(other.statusCode).toBe(200);
      expect(other.headers['link']).toBeUndefined();
      for (const url of ['/', '/datasets/sales', '/embed/sales']) {
        const response = await preloaded.inject(url);
        expect(response.headers['link'], url).toBeUndefined();
      }
      expect(asked.map((one) => one.id)).toEqual(['sales', 'other']);
    } finally {
      await preloaded.close();
    }
  });
});
