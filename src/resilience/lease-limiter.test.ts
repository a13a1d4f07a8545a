import { afterEach, describe, expect, it } from 'vitest';
import {
  type LeaseLimiter,
  type LeaseSource,
  type SourcedGrant,
  type TakeOutcome,
  createLeaseLimiter,
} from './lease-limiter.js';
import { type LeaseRequest, createTokenLedger } from './token-ledger.js';

/** A ledger behind an asynchronous source that records what was asked. */
function recordingSource(now: () => number) {
  const ledger = createTokenLedger({ now });
  const requests: LeaseRequest[] = [];
  const returns: { key: string; count: number }[] = [];
  const source: LeaseSource = {
    acquire: async (request): Promise<SourcedGrant> => {
      requests.push(request);
      await Promise.resolve();
      return { ...ledger.acquire(request), origin: 'local' };
    },
    release: (key, _origin, windowId, count) => {
      returns.push({ key, count });
      ledger.release(key, windowId, count);
    },
  };
  return { source, requests, returns };
}

async function takeN(limiter: LeaseLimiter, n: number, max: number): Promise<TakeOutcome[]> {
  const outcomes: TakeOutcome[] = [];
  for (let i = 0; i < n; i += 1) outcomes.push(await limiter.take('k', 60_000, max));
  return outcomes;
}

describe('createLeaseLimiter', () => {
  let limiter: LeaseLimiter | undefined;
  afterEach(() => limiter?.close());

  it('leases more while a key spends quickly, answers from the lease without asking', async () => {
    const now = 0;
    const recorded = recordingSource(() => now);
    limiter = createLeaseLimiter({ source: recorded.source, now: () => now });
    const outcomes = await takeN(limiter, 100, 1_000_000);
    expect(outcomes.every((o) => o.allowed)).toBe(true);
    expect(outcomes.map((o) => o.current)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // 1 + 2 + 4 + 8 + 16 + 32 + 37 of the next 64: seven round trips for 100 requests.
    expect(recorded.requests.map((r) => r.need + r.extra)).toEqual([1, 2, 4, 8, 16, 32, 64]);
    // A token held here is taken synchronously.
    expect(limiter.take('k', 60_000, 1_000_000)).not.toBeInstanceOf(Promise);
  });

  it('admits exactly max, then refuses from memory without asking again', async () => {
    const now = 0;
    const recorded = recordingSource(() => now);
    limiter = createLeaseLimiter({ source: recorded.source, now: () => now });
    const outcomes = await takeN(limiter, 30, 20);
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(20);
    expect(outcomes.slice(20).every((o) => !o.allowed && o.current === 21)).toBe(true);
    const asked = recorded.requests.length;
    await takeN(limiter, 5, 20);
    expect(recorded.requests.length).toBe(asked);
  });

  it('concurrent requests of one key share an acquire', async () => {
    const now = 0;
    const recorded = recordingSource(() => now);
    limiter = createLeaseLimiter({ source: recorded.source, now: () => now });
    const l = limiter;
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => l.take('k', 60_000, 3)));
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(3);
    // The first asks for itself; the four that arrived meanwhile ask once, together.
    expect(recorded.requests.map((r) => r.need)).toEqual([1, 4]);
  });

  it('returns idle tokens, a given-back token and everything on flush', async () => {
    let now = 0;
    const recorded = recordingSource(() => now);
    limiter = createLeaseLimiter({ source: recorded.source, now: () => now, idleReturnMs: 20 });
    await takeN(limiter, 4, 1_000);
    // Leases of 1, 2 and 4: after a fifth request two are unused, and it gives its own back.
    const outcome = await limiter.take('k', 60_000, 1_000);
    limiter.giveBack(outcome);
    limiter.flush();
    expect(recorded.returns).toEqual([{ key: 'k', count: 3 }]);
    await takeN(limiter, 3, 1_000);
    now = 100;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(recorded.returns.length).toBe(2);
  });

  it('gives up a recalled key and says how many were unused', async () => {
    const now = 0;
    const recorded = recordingSource(() => now);
    limiter = createLeaseLimiter({ source: recorded.source, now: () => now });
    await takeN(limiter, 4, 1_000);
    expect(limiter.recall('k')).toMatchObject({ count: 3 });
    expect(limiter.recall('k')).toMatchObject({ count: 0 });
    expect(limiter.recall('unknown')).toBeUndefined();
  });

  it('a new window starts from the authority, not from tokens of the old one', async () => {
    let now = 0;
    const recorded = recordingSource(() => now);
    limiter = createLeaseLimiter({ source: recorded.source, now: () => now });
    await takeN(limiter, 3, 100);
    now = 60_000;
    const outcome = await limiter.take('k', 60_000, 100);
    expect(outcome).toMatchObject({ allowed: true, current: 1, ttlMs: 60_000 });
  });
});
