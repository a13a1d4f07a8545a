/**
 * Test support: a serving process assembled like `dashport serve` does it — the core's server
 * dependencies and app, plus the shared state (Redis, PostgreSQL, live data) and its routes —
 * on a free port, over a small data dir made for the test.
 */
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { type Config, buildConfig } from '../../src/config/config.js';
import { buildCache } from '../../src/engine/cache-builder.js';
import type { SharedState } from '../../src/live/shared-state.js';
import { buildApp } from '../../src/server/app.js';
import { createServerDeps } from '../../src/server/listen.js';

export const TEST_TOKEN = 'test-token-0123456789';
const silent = pino({ level: 'silent' });

export interface LiveServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly state: SharedState;
  readonly config: Config;
  close(): Promise<void>;
}

export interface DataDirFiles {
  readonly [name: string]: string;
}

const roots: string[] = [];
// Servers of a test file may be restarted on the same folders until its end: remove them then.
process.once('exit', () => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Removes every folder makeDataDir made in this process; call it in a file's afterAll. */
export async function removeDataDirs(): Promise<void> {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
}

/** A data dir holding `files` (name → text) under a fresh temporary folder; returns data and cache dirs. */
export async function makeDataDir(
  files: DataDirFiles,
): Promise<{ root: string; dataDir: string; cacheDir: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'dashport-live-'));
  roots.push(root);
  const dataDir = path.join(root, 'data');
  await mkdir(dataDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dataDir, name), text);
  return { root, dataDir, cacheDir: path.join(root, 'cache') };
}

/** Spots-like rows: ts, freq, band, call, batch. */
export function spotsCsv(rows: number): string {
  const lines = ['ts,freq,band,call,batch'];
  for (let i = 0; i < rows; i += 1) {
    lines.push(
      `2024-05-01T00:${String(i % 60).padStart(2, '0')}:00Z,${14000 + i},20m,K${i}ABC,seed`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export const LIVE_SETTINGS = `datasets:
  spots:
    title: Spots
    time_column: ts
    live: true
`;

/** Starts a server over `dataDir`/`cacheDir` with `env` on top of test defaults. */
export async function startLiveServer(
  dirs: { dataDir: string; cacheDir: string },
  env: Record<string, string | undefined> = {},
  options: { readonly watchSources?: boolean } = {},
): Promise<LiveServer> {
  const config = buildConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DASHPORT_DATA_DIR: dirs.dataDir,
      DASHPORT_CACHE_DIR: dirs.cacheDir,
      DASHPORT_API_TOKEN: TEST_TOKEN,
      DASHPORT_RATE_LIMIT: 'off',
      ...env,
    },
    { cwd: process.cwd(), version: 'test' },
  );
  await buildCache({
    dataDir: config.dataDir,
    cacheDir: config.cacheDir,
    version: config.version,
    logger: silent,
  });
  const base = await createServerDeps({
    config,
    logger: silent,
    buildCache: false,
    watchSources: options.watchSources ?? false,
  });
  const state = base.shared;
  const app = await buildApp(base);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    state,
    config,
    async close() {
      await app.close();
      await base.close();
    },
  };
}

/** POST a batch with the test token (or the given headers). */
export async function postRows(
  url: string,
  dataset: string,
  body: string,
  contentType = 'application/json',
  headers: Record<string, string> = { authorization: `Bearer ${TEST_TOKEN}` },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/api/v1/datasets/${dataset}/rows`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

/** How many rows the dataset serves now. */
export async function countRows(url: string, dataset: string, filter = ''): Promise<number> {
  const response = await fetch(`${url}/api/v1/datasets/${dataset}/aggregate?agg=count${filter}`);
  if (response.status !== 200)
    throw new Error(`count ${dataset}: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { series: { y: number[] }[] };
  return body.series[0]?.y[0] ?? 0;
}
