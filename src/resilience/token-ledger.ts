/**
 * The authority of the rate-limit counters: fixed windows per key that hand out tokens in
 * leases. A serving process asks for the token its request needs now plus a few ahead
 * (`extra`), consumes those locally without asking again, and returns what it did not use.
 * The ledger never hands out more than `max` per window, so the limit is never exceeded; the
 * share a process may take ahead shrinks with what is left, so near the limit every request
 * asks for exactly one token. The same rule runs in Redis (LEASE_SCRIPT in
 * redis-lease-source.ts) and in the supervisor for the workers of one server.
 * Pure: the clock is passed in.
 */
import { LRUCache } from 'lru-cache';

/** Defaults of the leases, with their units. */
export const LEASE_DEFAULTS = {
  /** Most tokens a process takes ahead for one key and window. */
  maxLeaseTokens: 64,
  /** A process takes ahead at most 1/this of what is left in the window after its request. */
  shareDivisor: 4,
  /** Keys the authority tracks; the least recently seen are forgotten first. */
  maxKeys: 100_000,
} as const;

/** Asks for `need` tokens now and up to `extra` ahead, in a window of `windowMs` and `max`. */
export interface LeaseRequest {
  readonly key: string;
  readonly windowMs: number;
  readonly max: number;
  readonly need: number;
  readonly extra: number;
}

export interface LeaseGrant {
  /** Tokens handed out: `need` and some of `extra`, fewer than `need` when the window is spent. */
  readonly granted: number;
  /** Tokens handed out in the window, these included (the granted ones are the last). */
  readonly used: number;
  /** Milliseconds until the window resets. */
  readonly ttlMs: number;
  /** Identifies the window at the authority, so a late return cannot credit the next one. */
  readonly windowId: number;
}

/**
 * How many tokens to hand out: all of `need` when the window has them (else what is left),
 * plus the share of `extra` that keeps the others' part of what is left.
 */
export function grantSize(
  max: number,
  used: number,
  need: number,
  extra: number,
  shareDivisor: number = LEASE_DEFAULTS.shareDivisor,
): number {
  const remaining = max - used;
  if (remaining <= 0) return 0;
  if (remaining < need) return remaining;
  return need + Math.max(0, Math.min(extra, Math.floor((remaining - need) / shareDivisor)));
}

export interface TokenLedger {
  acquire(request: LeaseRequest): LeaseGrant;
  /** Credits `count` unused tokens back to the window `windowId` of `key`, if it still runs. */
  release(key: string, windowId: number, count: number): void;
}

export interface TokenLedgerOptions {
  readonly now?: () => number;
  readonly maxKeys?: number;
  readonly shareDivisor?: number;
}

interface Window {
  used: number;
  resetAt: number;
}

export function createTokenLedger(options: TokenLedgerOptions = {}): TokenLedger {
  const now = options.now ?? Date.now;
  const windows = new LRUCache<string, Window>({
    max: options.maxKeys ?? LEASE_DEFAULTS.maxKeys,
  });
  return {
    acquire(request) {
      const at = now();
      let window = windows.get(request.key);
      if (window === undefined || window.resetAt <= at) {
        window = { used: 0, resetAt: at + request.windowMs };
        windows.set(request.key, window);
      }
      const granted = grantSize(
        request.max,
        window.used,
        request.need,
        request.extra,
        options.shareDivisor,
      );
      window.used += granted;
      return {
        granted,
        used: window.used,
        ttlMs: window.resetAt - at,
        windowId: window.resetAt,
      };
    },
    release(key, windowId, count) {
      const window = windows.get(key);
      if (window === undefined || window.resetAt !== windowId || window.resetAt <= now()) return;
      window.used = Math.max(0, window.used - count);
    },
  };
}
