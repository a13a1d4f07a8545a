/**
 * A serving process's side of the rate-limit counters: tokens leased from an authority (Redis,
 * the supervisor, or this process's own ledger) and consumed here, so most requests cost no
 * round trip at all. Concurrent requests of one key share one acquire. The lease grows while
 * a key keeps spending it quickly and falls back to one token when the key pauses, so a
 * client that sends a request now and then holds nothing ahead; tokens left unused for
 * `idleReturnMs` go back to the authority, and a refusal is remembered for a short while so a
 * client over its limit costs no round trip either.
 * Pure logic: the authority and the clock are passed in.
 */
import { LRUCache } from 'lru-cache';
import { LEASE_DEFAULTS, type LeaseGrant, type LeaseRequest } from './token-ledger.js';

/** Where a lease came from: Redis, or this server (the supervisor or this process). */
export type LeaseOrigin = 'redis' | 'local';

export interface SourcedGrant extends LeaseGrant {
  readonly origin: LeaseOrigin;
}

/** The authority a limiter leases from. `acquire` must not reject: it falls back instead. */
export interface LeaseSource {
  acquire(request: LeaseRequest): SourcedGrant | Promise<SourcedGrant>;
  release(key: string, origin: LeaseOrigin, windowId: number, count: number): void;
}

/** Defaults of the limiter, with their units. */
export const LEASE_LIMITER_DEFAULTS = {
  /** Unused tokens of a key idle this long are returned. */
  idleReturnMs: 250,
  /** A lease spent within this long of the previous acquire doubles the next one. */
  growWithinMs: 1_000,
  /** A refused key is answered here, without asking, for this long (at most to its reset). */
  refusalCacheMs: 1_000,
  /** Keys tracked here; the least recently used are forgotten (returning their tokens). */
  maxKeys: 100_000,
} as const;

export interface TakeOutcome {
  readonly allowed: boolean;
  /** Requests counted in the window, this one included (when refused: over the limit). */
  readonly current: number;
  readonly ttlMs: number;
  /** Pass to `giveBack` when another window refuses the request. */
  readonly lease: object | undefined;
}

export interface LeaseLimiter {
  /** Takes one token of `key`: at once when one is held here, else after an acquire. */
  take(key: string, windowMs: number, max: number): TakeOutcome | Promise<TakeOutcome>;
  /** Returns the token `outcome` took (the request was refused by another window). */
  giveBack(outcome: TakeOutcome): void;
  /**
   * Drops what this process holds of `key` (the authority wants it back for another process)
   * and says how many were unused and in which window.
   */
  recall(key: string): { readonly windowId: number; readonly count: number } | undefined;
  /** Returns every unused token now (before the process stops). */
  flush(): void;
  /** Tokens consumed by origin of their lease, since start. */
  stats(): { readonly redis: number; readonly local: number };
  close(): void;
}

export interface LeaseLimiterOptions {
  readonly source: LeaseSource;
  readonly now?: () => number;
  readonly maxLeaseTokens?: number;
  readonly idleReturnMs?: number;
  readonly growWithinMs?: number;
  readonly refusalCacheMs?: number;
  readonly maxKeys?: number;
}

interface Waiter {
  resolve(outcome: TakeOutcome): void;
}

interface Lease {
  readonly key: string;
  readonly windowMs: number;
  max: number;
  tokens: number;
  /** `current` of the next token handed out here. */
  next: number;
  origin: LeaseOrigin;
  windowId: number;
  resetAt: number;
  /** Tokens asked ahead at the next acquire, plus one. */
  size: number;
  lastAcquireAt: number;
  lastUseAt: number;
  refusedUntil: number;
  waiting: Waiter[] | undefined;
}

export function createLeaseLimiter(options: LeaseLimiterOptions): LeaseLimiter {
  const { source } = options;
  const now = options.now ?? Date.now;
  const maxLease = options.maxLeaseTokens ?? LEASE_DEFAULTS.maxLeaseTokens;
  const idleReturnMs = options.idleReturnMs ?? LEASE_LIMITER_DEFAULTS.idleReturnMs;
  const growWithinMs = options.growWithinMs ?? LEASE_LIMITER_DEFAULTS.growWithinMs;
  const refusalCacheMs = options.refusalCacheMs ?? LEASE_LIMITER_DEFAULTS.refusalCacheMs;
  const counted = { redis: 0, local: 0 };
  /** Leases holding unused tokens: the idle sweep looks at these only. */
  const holding = new Set<Lease>();

  const returnTokens = (lease: Lease): void => {
    holding.delete(lease);
    if (lease.tokens <= 0) return;
    // Also for an ended window: the authority ignores it then, but forgets what we held.
    source.release(lease.key, lease.origin, lease.windowId, lease.tokens);
    lease.tokens = 0;
  };
  const leases = new LRUCache<string, Lease>({
    max: options.maxKeys ?? LEASE_LIMITER_DEFAULTS.maxKeys,
    dispose: (lease) => returnTokens(lease),
  });

  const consume = (lease: Lease, at: number): TakeOutcome => {
    lease.tokens -= 1;
    lease.lastUseAt = at;
    if (lease.tokens === 0) holding.delete(lease);
    counted[lease.origin] += 1;
    const current = lease.next;
    lease.next += 1;
    return { allowed: true, current, ttlMs: lease.resetAt - at, lease };
  };
  const refusal = (lease: Lease, at: number): TakeOutcome => ({
    allowed: false,
    current: lease.max + 1,
    ttlMs: Math.max(0, lease.resetAt - at),
    lease: undefined,
  });

  function applyGrant(lease: Lease, grant: SourcedGrant, need: number): void {
    const at = now();
    if (lease.tokens > 0 && lease.windowId !== grant.windowId) returnTokens(lease);
    lease.origin = grant.origin;
    lease.windowId = grant.windowId;
    lease.resetAt = at + grant.ttlMs;
    lease.tokens += grant.granted;
    lease.next = grant.used - lease.tokens + 1;
    if (lease.tokens > 0) holding.add(lease);
    // Short of what was needed now: the window is spent until it resets.
    if (grant.granted < need) lease.refusedUntil = Math.min(lease.resetAt, at + refusalCacheMs);
  }

  function acquire(lease: Lease): void {
    const waiting = lease.waiting ?? [];
    const need = waiting.length;
    const at = now();
    lease.size = at - lease.lastAcquireAt <= growWithinMs ? Math.min(lease.size * 2, maxLease) : 1;
    lease.lastAcquireAt = at;
    const request: LeaseRequest = {
      key: lease.key,
      windowMs: lease.windowMs,
      max: lease.max,
      need,
      extra: Math.max(0, lease.size - need),
    };
    const settle = (grant: SourcedGrant): void => {
      applyGrant(lease, grant, need);
      const waiters = lease.waiting ?? [];
      lease.waiting = undefined;
      const served = now();
      let i = 0;
      for (; i < waiters.length && lease.tokens > 0; i += 1) {
        waiters[i]?.resolve(consume(lease, served));
      }
      const rest = waiters.slice(i);
      if (rest.length === 0) return;
      if (lease.refusedUntil > served) {
        for (const waiter of rest) waiter.resolve(refusal(lease, served));
        return;
      }
      // More requests arrived than the grant covered: ask again for them.
      lease.waiting = rest;
      acquire(lease);
    };
    const grant = source.acquire(request);
    if (grant instanceof Promise) void grant.then(settle);
    else settle(grant);
  }

  function leaseOf(key: string, windowMs: number, max: number, at: number): Lease {
    let lease = leases.get(key);
    if (lease === undefined) {
      lease = {
        key,
        windowMs,
        max,
        tokens: 0,
        next: 1,
        origin: 'local',
        windowId: 0,
        resetAt: 0,
        size: 1,
        lastAcquireAt: -Infinity,
        lastUseAt: at,
        refusedUntil: 0,
        waiting: undefined,
      };
      leases.set(key, lease);
    } else if (lease.resetAt <= at && lease.tokens > 0) {
      // The window ended with tokens unused: they were never the next window's.
      returnTokens(lease);
    }
    lease.max = max;
    return lease;
  }

  const sweep = setInterval(() => {
    const at = now();
    for (const lease of holding) {
      if (at - lease.lastUseAt < idleReturnMs) continue;
      returnTokens(lease);
      lease.size = 1;
    }
  }, idleReturnMs);
  sweep.unref();

  return {
    take(key, windowMs, max) {
      const at = now();
      const lease = leaseOf(key, windowMs, max, at);
      if (lease.tokens > 0 && lease.resetAt > at) return consume(lease, at);
      if (lease.refusedUntil > at) return refusal(lease, at);
      return new Promise<TakeOutcome>((resolve) => {
        if (lease.waiting !== undefined) {
          lease.waiting.push({ resolve });
          return;
        }
        lease.waiting = [{ resolve }];
        acquire(lease);
      });
    },
    giveBack(outcome) {
      const lease = outcome.lease as Lease | undefined;
      if (lease === undefined || lease.resetAt <= now()) return;
      lease.tokens += 1;
      lease.next -= 1;
      counted[lease.origin] -= 1;
      holding.add(lease);
    },
    recall(key) {
      const lease = leases.get(key);
      // Only the server's own leases are recalled; Redis's belong to the replicas' budget.
      if (lease === undefined || lease.origin !== 'local') return undefined;
      const count = lease.resetAt > now() ? lease.tokens : 0;
      lease.tokens = 0;
      lease.size = 1;
      holding.delete(lease);
      return { windowId: lease.windowId, count };
    },
    flush() {
      for (const lease of holding) returnTokens(lease);
    },
    stats: () => ({ ...counted }),
    close() {
      clearInterval(sweep);
    },
  };
}
