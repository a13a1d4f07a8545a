/**
 * Rate-limit counters: fixed windows counted in Redis (shared by workers and replicas) through
 * the circuit breaker, and in-process while the breaker is open or Redis is not configured, so
 * limiting never fails a request. `createRateLimitStoreClass` adapts them to the store protocol
 * of @fastify/rate-limit.
 */
import { createHash } from 'node:crypto';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { LRUCache } from 'lru-cache';
import type { RedisClient } from './redis-client.js';

/** Defaults with their units. */
export const RATE_LIMIT_STORE_DEFAULTS = {
  /** Clients tracked in-process; the least recently seen are forgotten first. */
  localMaxKeys: 100_000,
} as const;

export interface RateLimitCount {
  /** Requests counted in the current window, this one included. */
  readonly current: number;
  /** Milliseconds until the window resets. */
  readonly ttl: number;
  readonly source: 'redis' | 'local';
}

export interface RateLimitCounters {
  /** Counts one request of `key` in a window of `windowMs`. */
  incr(key: string, windowMs: number): Promise<RateLimitCount>;
  /** Requests counted in each place since start. */
  stats(): { readonly redis: number; readonly local: number };
}

export interface RateLimitCountersOptions {
  readonly redis?: RedisClient | undefined;
  readonly localMaxKeys?: number;
  readonly now?: () => number;
}

// INCR and the first PEXPIRE in one atomic step; a key left without expiry (a crash between
// the two cannot happen in a script, but an operator's SET could) gets one.
const INCR_SCRIPT = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if current == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}
`;
const INCR_SCRIPT_SHA = createHash('sha1').update(INCR_SCRIPT).digest('hex');

interface LocalWindow {
  count: number;
  resetAt: number;
}

/** Counters in Redis when it is reachable, in-process otherwise. */
export function createRateLimitCounters(options: RateLimitCountersOptions = {}): RateLimitCounters {
  const now = options.now ?? Date.now;
  const redis = options.redis;
  const local = new LRUCache<string, LocalWindow>({
    max: options.localMaxKeys ?? RATE_LIMIT_STORE_DEFAULTS.localMaxKeys,
  });

  const incrLocal = (key: string, windowMs: number): RateLimitCount => {
    const at = now();
    let window = local.get(key);
    if (window === undefined || window.resetAt <= at) {
      window = { count: 0, resetAt: at + windowMs };
      local.set(key, window);
    }
    window.count += 1;
    return { current: window.count, ttl: window.resetAt - at, source: 'local' };
  };

  const incrRedis = async (client: RedisClient, key: string, windowMs: number) => {
    const name = client.key(`rl:${key}`);
    const reply = await client.run(async (r) => {
      try {
        return await r.evalsha(INCR_SCRIPT_SHA, 1, name, windowMs);
      } catch (error) {
        if (!(error as Error).message.includes('NOSCRIPT')) throw error;
        return r.eval(INCR_SCRIPT, 1, name, windowMs);
      }
    });
    const [current, ttl] = reply as [number, number];
    return { current, ttl, source: 'redis' as const };
  };

  const counted = { redis: 0, local: 0 };
  return {
    async incr(key, windowMs) {
      if (redis !== undefined && redis.available()) {
        try {
          const count = await incrRedis(redis, key, windowMs);
          counted.redis += 1;
          return count;
        } catch {
          // Counted in-process instead; the breaker has recorded the failure.
        }
      }
      counted.local += 1;
      return incrLocal(key, windowMs);
    },
    stats: () => ({ ...counted }),
  };
}

/** A store class for @fastify/rate-limit's `store` option, counting with `counters`. */
export function createRateLimitStoreClass(counters: RateLimitCounters): FastifyRateLimitStoreCtor {
  class CountersStore implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      counters.incr(key, timeWindow).then(
        (count) => callback(null, { current: count.current, ttl: count.ttl }),
        (error: Error) => callback(error),
      );
    }

    child(): FastifyRateLimitStore {
      return new CountersStore();
    }
  }
  return CountersStore;
}
