/**
 * Redis behind the breaker, on real sockets: a private redis-server is killed under steady
 * load and restarted. Requests keep succeeding from the in-process fallbacks (zero 5xx), the
 * breaker opens after exactly the configured number of consecutive failures and closes again
 * after the reset time once Redis is back.
 */
import Fastify from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakerSnapshot, BreakerState } from '../../src/resilience/circuit-breaker.js';
import { createRateLimitCounters } from '../../src/resilience/rate-limit-store.js';
import { createRedisClient, type RedisClient } from '../../src/resilience/redis-client.js';
import { normalizeQuery } from '../../src/engine/query-digest.js';
import { createResponseCache } from '../../src/resilience/response-cache.js';
import { rateLimitPlugin } from '../../src/server/plugins/rate-limit.js';
import { type PrivateRedis, startPrivateRedis } from './private-redis.js';

const THRESHOLD = 5;
const RESET_SECONDS = 1;
const silent = pino({ level: 'silent' });

async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Redis breaker under load with a private redis-server', () => {
  let server: PrivateRedis;
  let redis: RedisClient;

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = createRedisClient({
      url: server.url,
      breakerThreshold: THRESHOLD,
      breakerResetSeconds: RESET_SECONDS,
      logger: silent,
    });
    expect(await redis.waitReady(5_000)).toBe(true);
  });

  afterAll(async () => {
    await redis?.close();
    await server?.stop();
  });

  it('serves with zero 5xx while Redis dies and comes back; the breaker opens after 5 failures and closes', async () => {
    const cache = createResponseCache({ redis });
    const counters = createRateLimitCounters({ redis });
    const app = Fastify({ logger: false });
    await app.register(rateLimitPlugin, {
      windows: [{ max: 1_000_000, windowSeconds: 60, label: '1000000/minute' }],
      counters,
    });
    let computed = 0;
    app.get('/api/v1/value', async (request) => {
      const query = normalizeQuery(request.query as Record<string, string>);
      const key = { dataset: 'd', version: 'v1', kind: 'value', query };
      const found = await cache.get<{ n: string }>(key);
      if (found !== undefined) return { value: found.value, layer: found.layer };
      computed += 1;
      const value = { n: query };
      await cache.set(key, value);
      return { value, layer: 'computed' };
    });
    app.get('/health', async () => ({ redis: await redis.health() }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;

    const transitions: { state: BreakerState; snapshot: BreakerSnapshot }[] = [];
    redis.breaker.onStateChange((state, snapshot) => transitions.push({ state, snapshot }));

    const statuses = new Map<number, number>();
    let stop = false;
    let sequence = 0;
    const worker = async (): Promise<void> => {
      while (!stop) {
        sequence += 1;
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/value?k=${sequence}`);
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    };
    const load = Promise.all(Array.from({ length: 4 }, worker));
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(redis.breaker.state).toBe('closed');
      const healthyBefore = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
        redis: { status: string; circuit_breaker_state: string };
      };
      expect(healthyBefore.redis).toMatchObject({
        status: 'healthy',
        circuit_breaker_state: 'closed',
      });

      await server.kill();
      await waitFor(() => redis.breaker.state === 'open', 5_000, 'the breaker to open');
      const opened = transitions.find((t) => t.state === 'open');
      expect(opened?.snapshot.consecutiveFailures).toBe(THRESHOLD);
      expect(redis.breaker.trips).toBe(1);
      const degraded = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
        redis: { status: string; circuit_breaker_state: string };
      };
      expect(degraded.redis).toMatchObject({ status: 'degraded', circuit_breaker_state: 'open' });
      await new Promise((resolve) => setTimeout(resolve, 300));

      await server.restart();
      await waitFor(() => redis.breaker.state === 'closed', 10_000, 'the breaker to close');
      expect(transitions.map((t) => t.state)).toContain('half_open');
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      stop = true;
      await load;
      await app.close();
    }
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(200);
    expect([...statuses.keys()]).toEqual([200]);
    expect(computed).toBeGreaterThan(0);
    const stats = cache.stats();
    expect(stats.redis.hits + stats.redis.misses).toBeGreaterThan(0);
    expect(stats.redis.skipped).toBeGreaterThan(0);
    expect(counters.stats().redis).toBeGreaterThan(0);
    expect(counters.stats().local).toBeGreaterThan(0);
  });
});
