import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type NginxPrefix,
  type NginxProcess,
  adaptSite,
  createNginxPrefix,
  readSite,
  startNginx,
} from './nginx-instance.js';
import {
  type ServerProcess,
  freePort,
  request,
  requireBuild,
  startServer,
  waitFor,
} from './server-process.js';

// A real nginx with the shipped site on a loopback port, in front of a real Dashport
// (`serve`, production settings). Clients connect from distinct loopback addresses
// (127.0.0.x), which nginx reports as X-Forwarded-For.
const API_TOKEN = 'deploy-test-token-0123456789abcdef';
const RATE_LIMIT_PER_MINUTE = 5;
const SSE_DELIVERY_MS = 3_000;
// Building the cache at first start takes most of it; nginx and the checks the rest.
const SETUP_TIMEOUT_MS = 180_000;

function liveDataDir(dir: string): void {
  const rows = Array.from(
    { length: 20 },
    (_, i) => `2024-01-01T00:${String(i).padStart(2, '0')}:00Z,s${i % 3},${i * 1.5}`,
  );
  writeFileSync(path.join(dir, 'readings.csv'), ['ts,sensor,value', ...rows, ''].join('\n'));
  writeFileSync(
    path.join(dir, 'dashport.yaml'),
    [
      'datasets:',
      '  readings:',
      '    title: Readings',
      '    time_column: ts',
      '    live: true',
      '',
    ].join('\n'),
  );
}

describe('nginx site in front of a running Dashport', () => {
  let work = '';
  let server: ServerProcess | undefined;
  let prefix: NginxPrefix | undefined;
  let nginx: NginxProcess | undefined;
  let proxyUrl = '';

  beforeAll(async () => {
    requireBuild();
    work = mkdtempSync(path.join(tmpdir(), 'dashport-proxy-'));
    const dataDir = path.join(work, 'data');
    const cacheDir = path.join(work, 'cache');
    mkdirSync(dataDir);
    mkdirSync(cacheDir);
    liveDataDir(dataDir);

    const serverPort = await freePort();
    server = startServer({
      port: serverPort,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: work,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(serverPort),
        DASHPORT_DATA_DIR: dataDir,
        DASHPORT_CACHE_DIR: cacheDir,
        DASHPORT_TRUST_PROXY: 'loopback',
        DASHPORT_API_TOKEN: API_TOKEN,
        DASHPORT_RATE_LIMIT: `${RATE_LIMIT_PER_MINUTE}/minute`,
        // One worker: without Redis the rate-limit counters live in each worker.
        DASHPORT_WORKERS: '1',
      },
    });
    await waitFor(`http://127.0.0.1:${serverPort}/readyz`, (r) => r.status === 200, {
      timeoutMs: 120_000,
      server,
    });

    const proxyPort = await freePort();
    prefix = createNginxPrefix(adaptSite(readSite(), proxyPort, serverPort));
    nginx = startNginx(prefix);
    proxyUrl = `http://127.0.0.1:${proxyPort}`;
    await waitFor(`${proxyUrl}/livez`, (r) => r.status === 200, { timeoutMs: 10_000 });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await nginx?.stop();
    await server?.stop('SIGTERM', 30_000);
    prefix?.remove();
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('serves a fingerprinted JS asset under /assets/ gzip-compressed and cached for a year', async () => {
    const page = await request(`${proxyUrl}/`, { localAddress: '127.0.0.5' });
    expect(page.status).toBe(200);
    const script = /(?:src|href)="(\/assets\/[^"]+\.js)"/.exec(page.body.toString('utf8'))?.[1];
    expect(script, 'the index page references a JS asset under /assets/').toBeDefined();
    const asset = await request(`${proxyUrl}${script ?? ''}`, {
      headers: { 'Accept-Encoding': 'gzip' },
      localAddress: '127.0.0.5',
    });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const plain = gunzipSync(asset.body);
    expect(plain.length).toBeGreaterThan(asset.body.length);
  });

  it('delivers Server-Sent Events through nginx as they happen (no buffering)', async () => {
    const req = http.get(`${proxyUrl}/api/v1/datasets/readings/events`, {
      headers: { Accept: 'text/event-stream' },
      localAddress: '127.0.0.4',
    });
    try {
      const [res] = (await once(req, 'response')) as [http.IncomingMessage];
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(res.headers['content-encoding']).toBeUndefined();
      let received = '';
      const arrived = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no rows event within 20 s; received: ${received.slice(0, 500)}`)),
          20_000,
        );
        res.on('data', (chunk: Buffer) => {
          received += chunk.toString('utf8');
          if (/^event: rows$/m.test(received)) {
            clearTimeout(timer);
            resolve(performance.now());
          }
        });
        res.on('error', reject);
      });

      const postedAt = performance.now();
      const posted = await request(`${proxyUrl}/api/v1/datasets/readings/rows`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${API_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify([{ ts: '2024-01-01T01:00:00Z', sensor: 's9', value: 42 }]),
        localAddress: '127.0.0.4',
      });
      expect(posted.status, posted.body.toString('utf8')).toBe(201);
      expect((await arrived) - postedAt).toBeLessThan(SSE_DELIVERY_MS);
    } finally {
      req.destroy();
    }
  });

  it("keys the rate limiter and the logs on the client address nginx forwards, not on nginx's", async () => {
    const api = `${proxyUrl}/api/v1/datasets`;
    for (let i = 0; i < RATE_LIMIT_PER_MINUTE; i++) {
      const ok = await request(api, { localAddress: '127.0.0.2' });
      expect(ok.status, `request ${i + 1} from 127.0.0.2`).toBe(200);
    }
    const limited = await request(api, { localAddress: '127.0.0.2' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // A client cannot pick its own key: nginx replaces a forged X-Forwarded-For.
    const forged = await request(api, {
      localAddress: '127.0.0.2',
      headers: { 'X-Forwarded-For': '198.51.100.7' },
    });
    expect(forged.status).toBe(429);
    // Another client behind the same nginx still has its own budget.
    const other = await request(api, { localAddress: '127.0.0.3' });
    expect(other.status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 300));
    const logs = server?.output() ?? '';
    expect(logs).toContain('127.0.0.2');
    expect(logs).toContain('127.0.0.3');
    expect(logs).not.toContain('198.51.100.7');
  });
});
