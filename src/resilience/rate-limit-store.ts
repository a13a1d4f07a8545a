/**
 * Rate-limit counters: fixed windows per key whose tokens are leased in batches (see
 * token-ledger.ts and lease-limiter.ts) from one place for the whole deployment — Redis when
 * it is configured and its breaker is closed (shared by workers and replicas); otherwise the
 * server's own counters: the supervisor's over IPC for the workers of `dashport serve`, this
 * process's ledger when it runs alone. Limiting never fails a request.
 */
import { type LeaseLimiter, type LeaseSource, createLeaseLimiter } from './lease-limiter.js';
import { createRedisLeaseSource } from './redis-lease-source.js';
import type { RedisClient } from './redis-client.js';
import { createTokenLedger } from './token-ledger.js';

/** The counters the rate-limit plugin takes its tokens from. */
export type RateLimitCounters = LeaseLimiter;

export interface RateLimitCountersOptions {
  readonly redis?: RedisClient | undefined;
  /** The server's counters (the supervisor's); this process's own ledger when absent. */
  readonly server?: LeaseSource | undefined;
  readonly now?: () => number;
  /** Most tokens leased ahead per key (1 = every request asks the authority). */
  readonly maxLeaseTokens?: number;
}

/** This process's own ledger as a lease source: for a process that is the whole server. */
export function createLocalLeaseSource(now?: () => number): LeaseSource {
  const ledger = createTokenLedger(now === undefined ? {} : { now });
  return {
    acquire: (request) => ({ ...ledger.acquire(request), origin: 'local' }),
    release: (key, _origin, windowId, count) => ledger.release(key, windowId, count),
  };
}

/** Counters in Redis when it is reachable, in the server otherwise. */
export function createRateLimitCounters(options: RateLimitCountersOptions = {}): RateLimitCounters {
  const server = options.server ?? createLocalLeaseSource(options.now);
  const source =
    options.redis === undefined
      ? server
      : createRedisLeaseSource({ redis: options.redis, fallback: server });
  return createLeaseLimiter({
    source,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.maxLeaseTokens === undefined ? {} : { maxLeaseTokens: options.maxLeaseTokens }),
  });
}
