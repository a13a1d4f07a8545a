/**
 * Rate-limit leases from Redis, shared by every worker and replica on one REDIS_URL: one
 * script call reserves the tokens a process needs now plus a few ahead (the rule of
 * token-ledger.ts, run atomically in Redis on Redis's clock), another returns the unused ones
 * to the window they came from. Every call goes through the circuit breaker; when it fails or
 * the breaker is open, the server's own counters (`fallback`) answer instead.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { LeaseSource, SourcedGrant } from './lease-limiter.js';
import type { RedisClient } from './redis-client.js';
import { LEASE_DEFAULTS, type LeaseRequest } from './token-ledger.js';

// KEYS[1]: the window (hash: u = tokens handed out, r = reset time in Redis ms).
// ARGV: windowMs, max, need, extra, shareDivisor. Returns {granted, used, ttlMs, windowId}.
const ACQUIRE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('HMGET', KEYS[1], 'u', 'r')
local used = tonumber(v[1]) or 0
local reset = tonumber(v[2]) or 0
if reset <= now then
  used = 0
  reset = now + tonumber(ARGV[1])
end
local remaining = tonumber(ARGV[2]) - used
local need = tonumber(ARGV[3])
local granted = 0
if remaining > 0 then
  if remaining < need then
    granted = remaining
  else
    local ahead = math.floor((remaining - need) / tonumber(ARGV[5]))
    granted = need + math.max(0, math.min(tonumber(ARGV[4]), ahead))
  end
end
used = used + granted
redis.call('HSET', KEYS[1], 'u', used, 'r', reset)
redis.call('PEXPIREAT', KEYS[1], reset)
return {granted, used, reset - now, reset}
`;

// KEYS[1]: the window; ARGV: windowId (its reset time), count. Credits only that window.
const RELEASE_SCRIPT = `
local v = redis.call('HMGET', KEYS[1], 'u', 'r')
if v[2] and tonumber(v[2]) == tonumber(ARGV[1]) then
  local used = math.max(0, (tonumber(v[1]) or 0) - tonumber(ARGV[2]))
  redis.call('HSET', KEYS[1], 'u', used)
end
return 0
`;

const sha = (script: string): string => createHash('sha1').update(script).digest('hex');
const ACQUIRE_SHA = sha(ACQUIRE_SCRIPT);
const RELEASE_SHA = sha(RELEASE_SCRIPT);

async function runScript(
  r: Redis,
  script: string,
  digest: string,
  key: string,
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await r.evalsha(digest, 1, key, ...args);
  } catch (error) {
    if (!(error as Error).message.includes('NOSCRIPT')) throw error;
    return r.eval(script, 1, key, ...args);
  }
}

export interface RedisLeaseSourceOptions {
  readonly redis: RedisClient;
  /** The server's own counters, while Redis cannot answer. */
  readonly fallback: LeaseSource;
  readonly shareDivisor?: number;
}

export function createRedisLeaseSource(options: RedisLeaseSourceOptions): LeaseSource {
  const { redis, fallback } = options;
  const divisor = options.shareDivisor ?? LEASE_DEFAULTS.shareDivisor;
  // A new name: the windows are hashes now, not the INCR strings of earlier versions.
  const name = (key: string): string => redis.key(`rlw:${key}`);

  const fromRedis = async (request: LeaseRequest): Promise<SourcedGrant> => {
    const reply = await redis.run((r) =>
      runScript(r, ACQUIRE_SCRIPT, ACQUIRE_SHA, name(request.key), [
        request.windowMs,
        request.max,
        request.need,
        request.extra,
        divisor,
      ]),
    );
    const [granted, used, ttlMs, windowId] = reply as [number, number, number, number];
    return { granted, used, ttlMs, windowId, origin: 'redis' };
  };

  return {
    async acquire(request) {
      if (redis.available()) {
        try {
          return await fromRedis(request);
        } catch {
          // Counted by the server instead; the breaker has recorded the failure.
        }
      }
      return fallback.acquire(request);
    },
    release(key, origin, windowId, count) {
      if (origin === 'local') {
        fallback.release(key, origin, windowId, count);
        return;
      }
      if (!redis.available()) return;
      redis
        .run((r) => runScript(r, RELEASE_SCRIPT, RELEASE_SHA, name(key), [windowId, count]))
        .catch(() => undefined);
    },
  };
}
