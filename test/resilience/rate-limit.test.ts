/**
 * The rate-limit plugin on real Redis: several windows, 429 with Retry-After and RateLimit
 * headers, only `/api/` limited, per client IP behind a trusted proxy, counters shared by two
 * app instances (as replicas share them), and in-process counting without Redis.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDashportError } from '../../src/errors.js';
import {
  type RateLimitCounters,
  createRateLimitCounters,
} from '../../src/resilience/rate-limit-store.js';
import { createRedisClient, type RedisClient } from '../../src/resilience/redis-client.js';
import {
  type RateLimitPluginOptions,
  rateLimitPlugin,
} from '../../src/server/plugins/rate-limit.js';
import { TEST_REDIS_URL, requireRedis } from './private-redis.js';

const silent = pino({ level: 'silent' });

async function buildTestApp(
  options: RateLimitPluginOptions,
  trustProxy = false,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, trustProxy });
  app.setErrorHandler((error, _request, reply) => {
    if (isDashportError(error)) {
      return reply
        .status(error.status)
        .send({ statusCode: error.status, error: 'Too Many Requests', message: error.message });
    }
    return reply
      .status(500)
      .send({ statusCode: 500, error: 'Internal Server Error', message: String(error) });
  });
  await app.register(rateLimitPlugin, options);
  app.get('/api/v1/ping', async () => ({ ok: true }));
  app.get('/health', async () => ({ ok: true }));
  app.get('/assets/app.js', async () => 'js');
  await app.ready();
  return app;
}

describe('rate-limit plugin', () => {
  let redis: RedisClient;

  beforeAll(async () => {
    await requireRedis();
    redis = createRedisClient({
      url: TEST_REDIS_URL,
      breakerThreshold: 5,
      breakerResetSeconds: 60,
      logger: silent,
      keyPrefix: `dashport-test-${randomBytes(6).toString('hex')}:`,
    });
    expect(await redis.waitReady(5_000)).toBe(true);
  });

  afterAll(async () => {
    await redis?.close();
  });

  it('limits /api per window with 429, Retry-After and RateLimit headers; other paths are exempt', async () => {
    const app = await buildTestApp({
      windows: [
        { max: 3, windowSeconds: 60, label: '3/minute' },
        { max: 100, windowSeconds: 3600, label: '100/hour' },
      ],
      counters: createRateLimitCounters({ redis }),
    });
    const first = await app.inject('/api/v1/ping');
    expect(first.statusCode).toBe(200);
    expect(first.headers['ratelimit-limit']).toBe('3');
    expect(first.headers['ratelimit-remaining']).toBe('2');
    expect(first.headers['ratelimit-policy']).toBe('3;w=60, 100;w=3600');
    await app.inject('/api/v1/ping');
    await app.inject('/api/v1/ping');
    const limited = await app.inject('/api/v1/ping');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect(limited.json()).toMatchObject({
      statusCode: 429,
      message: expect.stringContaining('3/minute'),
    });
    for (const url of ['/health', '/assets/app.js']) {
      for (let i = 0; i < 5; i += 1) expect((await app.inject(url)).statusCode).toBe(200);
    }
    await app.close();
  });

  it('the tighter window binds: a second window exceeded blocks even when the first is not', async () => {
    const app = await buildTestApp({
      windows: [
        { max: 100, windowSeconds: 60, label: '100/minute' },
        { max: 2, windowSeconds: 3600, label: '2/hour' },
      ],
      counters: createRateLimitCounters({ redis }),
    });
    expect((await app.inject('/api/v1/ping')).headers['ratelimit-limit']).toBe('2');
    await app.inject('/api/v1/ping');
    const limited = await app.inject('/api/v1/ping');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(60);
    await app.close();
  });

  it('counts per client IP from X-Forwarded-For behind a trusted proxy', async () => {
    const app = await buildTestApp(
      {
        windows: [{ max: 1, windowSeconds: 60, label: '1/minute' }],
        counters: createRateLimitCounters({ redis }),
      },
      true,
    );
    const from = (ip: string) =>
      app.inject({ url: '/api/v1/ping', headers: { 'x-forwarded-for': ip } });
    expect((await from('203.0.113.1')).statusCode).toBe(200);
    expect((await from('203.0.113.1')).statusCode).toBe(429);
    expect((await from('203.0.113.2')).statusCode).toBe(200);
    await app.close();
  });

  it('shares the counters of two instances through Redis', async () => {
    const windows = [{ max: 4, windowSeconds: 60, label: '4/minute' }];
    const a = await buildTestApp({ windows, counters: createRateLimitCounters({ redis }) }, true);
    const b = await buildTestApp({ windows, counters: createRateLimitCounters({ redis }) }, true);
    const headers = { 'x-forwarded-for': '198.51.100.7' };
    const codes: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      codes.push((await (i % 2 === 0 ? a : b).inject({ url: '/api/v1/ping', headers })).statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 200, 429, 429]);
    await a.close();
    await b.close();
  });

  it('Redis leases: never over max across instances; refused early only by tokens another holds, until it returns them', async () => {
    const key = `60:203.0.113.${Math.floor(Math.random() * 250)}-${randomBytes(4).toString('hex')}`;
    const instances = [0, 1, 2].map(() => createRateLimitCounters({ redis }));
    try {
      // Concurrent bursts at three instances: Redis hands out 50 tokens, never more.
      const burst = await Promise.all(
        Array.from({ length: 120 }, (_, i) => instances[i % 3]?.take(key, 60_000, 50)),
      );
      const admitted = burst.filter((o) => o?.allowed).length;
      expect(admitted).toBeLessThanOrEqual(50);
      // Whatever an instance still holds goes back, and is then all there is left.
      instances.forEach((counters) => counters.flush());
      await new Promise((resolve) => setTimeout(resolve, 50));
      let more = 0;
      for (let i = 0; i < 60; i += 1)
        if ((await instances[0]?.take(key, 60_000, 50))?.allowed) more += 1;
      expect(admitted + more).toBe(50);

      // A takes ahead, then B's traffic finds the window spent while A holds one token; A's
      // idle return (250 ms) gives it back to B.
      const other = `${key}-b`;
      const [a, b] = instances as [RateLimitCounters, RateLimitCounters];
      for (let i = 0; i < 4; i += 1) expect((await a.take(other, 60_000, 10)).allowed).toBe(true);
      const atB: boolean[] = [];
      for (let i = 0; i < 6; i += 1) atB.push((await b.take(other, 60_000, 10)).allowed);
      expect(atB.filter(Boolean)).toHaveLength(5);
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      expect((await b.take(other, 60_000, 10)).allowed).toBe(true);
      expect((await b.take(other, 60_000, 10)).allowed).toBe(false);
    } finally {
      instances.forEach((counters) => counters.close());
    }
  });

  it('counts in-process without Redis', async () => {
    const counters = createRateLimitCounters();
    const app = await buildTestApp({
      windows: [{ max: 2, windowSeconds: 60, label: '2/minute' }],
      counters,
    });
    const codes = [];
    for (let i = 0; i < 3; i += 1) codes.push((await app.inject('/api/v1/ping')).statusCode);
    expect(codes).toEqual([200, 200, 429]);
    // A refused request takes no token.
    expect(counters.stats()).toEqual({ redis: 0, local: 2 });
    await app.close();
  });

  it('adds nothing when rate limiting is off', async () => {
    const app = await buildTestApp({ windows: [], counters: createRateLimitCounters({ redis }) });
    const response = await app.inject('/api/v1/ping');
    expect(response.statusCode).toBe(200);
    expect(response.headers['ratelimit-limit']).toBeUndefined();
    await app.close();
  });
});
