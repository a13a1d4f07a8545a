import { describe, expect, it } from 'vitest';
import { createTokenLedger, grantSize } from './token-ledger.js';

describe('grantSize', () => {
  it('hands out what is needed, and ahead only a quarter of what is left after it', () => {
    expect(grantSize(100, 0, 1, 63)).toBe(1 + 24);
    expect(grantSize(100, 0, 1, 3)).toBe(4);
    // Near the limit every request asks for its own token.
    expect(grantSize(20, 17, 1, 10)).toBe(1);
    expect(grantSize(20, 19, 1, 10)).toBe(1);
  });

  it('never more than the window has left; nothing once it is spent', () => {
    expect(grantSize(20, 18, 5, 0)).toBe(2);
    expect(grantSize(20, 20, 1, 0)).toBe(0);
    expect(grantSize(20, 25, 1, 0)).toBe(0);
  });
});

describe('createTokenLedger', () => {
  it('counts a fixed window per key, resets it after windowMs, never past max', () => {
    let now = 1_000;
    const ledger = createTokenLedger({ now: () => now });
    const ask = (need: number, extra = 0) =>
      ledger.acquire({ key: 'k', windowMs: 60_000, max: 10, need, extra });
    expect(ask(1)).toEqual({ granted: 1, used: 1, ttlMs: 60_000, windowId: 61_000 });
    expect(ask(4, 100)).toMatchObject({ granted: 5, used: 6 });
    expect(ask(9)).toMatchObject({ granted: 4, used: 10 });
    expect(ask(1)).toMatchObject({ granted: 0, used: 10 });
    now += 30_000;
    expect(ask(1)).toMatchObject({ granted: 0, ttlMs: 30_000 });
    now += 30_000;
    expect(ask(1)).toMatchObject({ granted: 1, used: 1, ttlMs: 60_000, windowId: 121_000 });
  });

  it('credits a return to its own window only', () => {
    let now = 0;
    const ledger = createTokenLedger({ now: () => now });
    const first = ledger.acquire({ key: 'k', windowMs: 1_000, max: 5, need: 5, extra: 0 });
    ledger.release('k', first.windowId, 2);
    expect(ledger.acquire({ key: 'k', windowMs: 1_000, max: 5, need: 5, extra: 0 })).toMatchObject({
      granted: 2,
      used: 5,
    });
    now = 1_000;
    const next = ledger.acquire({ key: 'k', windowMs: 1_000, max: 5, need: 1, extra: 0 });
    // A late return of the previous window must not make room in this one.
    ledger.release('k', first.windowId, 3);
    expect(ledger.acquire({ key: 'k', windowMs: 1_000, max: 5, need: 5, extra: 0 })).toMatchObject({
      granted: 4,
      used: 5,
      windowId: next.windowId,
    });
  });
});
