/**
 * Three replicas (separate processes, separate disks) on one Redis: they share one rate-limit
 * budget per client, an event posted to one reaches the SSE clients of all three within a
 * second, and a response computed by one is served to another from Redis.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, requireRedis } from '../resilience/private-redis.js';
import {
  LIVE_SETTINGS,
  type LiveServer,
  TEST_TOKEN,
  makeDataDir,
  spotsCsv,
  startLiveServer,
  removeDataDirs,
} from './live-server.js';
import { type ChildServer, spawnLiveServer } from './spawn-live-server.js';

async function openStream(url: string, dataset: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/v1/datasets/${dataset}/events`, {
    signal: controller.signal,
  });
  let text = '';
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    for (;;) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) return;
      text += decoder.decode(chunk.value, { stream: true });
    }
  })().catch(() => undefined);
  return { received: () => text, close: () => controller.abort() };
}

describe('replicas on one Redis', () => {
  const replicas: ChildServer[] = [];

  beforeAll(async () => {
    await requireRedis();
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      DASHPORT_RATE_LIMIT: '30/minute',
      DASHPORT_TRUST_PROXY: 'true',
    };
    for (let i = 0; i < 3; i += 1) {
      const dirs = await makeDataDir({ 'spots.csv': spotsCsv(20), 'dashport.yaml': LIVE_SETTINGS });
      replicas.push(await spawnLiveServer(dirs.dataDir, dirs.cacheDir, env));
    }
  }, 120_000);

  afterAll(() => {
    for (const replica of replicas) replica.child.kill('SIGTERM');
  });

  it('share a 30/minute limit per client', async () => {
    // A client address of its own, so earlier runs' counters (kept a minute) do not count.
    const client = `198.18.${randomInt(256)}.${randomInt(1, 255)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 33; i += 1) {
      const replica = replicas[i % 3] as ChildServer;
      const response = await fetch(`${replica.url}/api/v1/datasets`, {
        headers: { 'x-forwarded-for': client },
      });
      await response.arrayBuffer();
      statuses.push(response.status);
      if (response.status === 429)
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, 30)).toEqual(new Array(30).fill(200));
    expect(statuses.slice(30)).toEqual([429, 429, 429]);
    const other = await fetch(`${replicas[0]?.url}/api/v1/datasets`, {
      headers: { 'x-forwarded-for': `${client}9` },
    });
    expect(other.status).toBe(200);
  });

  it('deliver an event posted to one replica to the SSE clients of all three within a second', async () => {
    const streams = await Promise.all(replicas.map((replica) => openStream(replica.url, 'spots')));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const tag = `replica-${randomInt(1_000_000)}`;
    const started = Date.now();
    const response = await fetch(`${replicas[1]?.url}/api/v1/datasets/spots/rows`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${TEST_TOKEN}`,
        'x-forwarded-for': `198.19.${randomInt(256)}.1`,
      },
      body: JSON.stringify([
        { ts: '2024-06-01T00:00:00Z', freq: 1, band: '20m', call: tag, batch: tag },
      ]),
    });
    expect(response.status).toBe(201);
    const deadline = started + 1_000;
    while (Date.now() < deadline && !streams.every((stream) => stream.received().includes(tag))) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(streams.map((stream) => stream.received().includes(tag))).toEqual([true, true, true]);
    for (const stream of streams) stream.close();
  });
});

describe('response cache shared through Redis', () => {
  const servers: LiveServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('serves a response computed by one replica to another from Redis', async () => {
    await requireRedis();
    // Same data, so the same dataset version on both replicas.
    const csv = `${spotsCsv(30)}2024-05-02T00:00:00Z,${randomInt(1_000_000)},20m,UNIQUE,seed\n`;
    for (let i = 0; i < 2; i += 1) {
      servers.push(
        await startLiveServer(await makeDataDir({ 'spots.csv': csv }), {
          REDIS_URL: TEST_REDIS_URL,
        }),
      );
    }
    const [a, b] = servers as [LiveServer, LiveServer];
    const query = '/api/v1/datasets/spots/aggregate?x=band&agg=mean&y=freq';
    const first = await (await fetch(`${a.url}${query}`)).json();
    expect(a.state.responseCache.stats().redis.misses).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await (await fetch(`${b.url}${query}`)).json();
    expect(second).toMatchObject({ x: (first as { x: unknown }).x });
    expect(b.state.responseCache.stats().redis.hits).toBe(1);
  });
});

afterAll(async () => {
  await removeDataDirs();
});
