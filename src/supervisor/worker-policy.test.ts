import { describe, expect, it } from 'vitest';
import {
  exitReason,
  isBlocked,
  pickMemoryVictim,
  requestLimitFor,
  restartDelayMs,
} from './worker-policy.js';

describe('requestLimitFor', () => {
  it('is off at 0 and adds a share of the jitter', () => {
    expect(requestLimitFor(0, 100, () => 0.5)).toBeUndefined();
    expect(requestLimitFor(1000, 0, () => 0.99)).toBe(1000);
    expect(requestLimitFor(1000, 100, () => 0)).toBe(1000);
    expect(requestLimitFor(1000, 100, () => 0.999)).toBe(1100);
    expect(requestLimitFor(1000, 100, () => 0.5)).toBe(1050);
  });
});

describe('exitReason', () => {
  it('tells signals, clean exits and crashes apart', () => {
    expect(exitReason(null, 'SIGKILL')).toBe('killed');
    expect(exitReason(0, null)).toBe('exit');
    expect(exitReason(1, null)).toBe('crash');
  });
});

describe('isBlocked', () => {
  it('is true only past the timeout', () => {
    expect(isBlocked(1000, 3000, 2000)).toBe(false);
    expect(isBlocked(1000, 3001, 2000)).toBe(true);
  });
});

describe('restartDelayMs', () => {
  it('replaces at once, then backs off a crash loop up to the cap', () => {
    expect([0, 1, 2].map(restartDelayMs)).toEqual([0, 0, 0]);
    expect([3, 4, 5].map(restartDelayMs)).toEqual([250, 500, 1000]);
    expect(restartDelayMs(30)).toBe(10_000);
  });
});

describe('pickMemoryVictim', () => {
  it('picks the largest worker that is old enough', () => {
    const now = 100_000;
    const workers = [
      { id: 1, rssBytes: 300, startedAt: 0 },
      { id: 2, rssBytes: 500, startedAt: 0 },
      { id: 3, rssBytes: 900, startedAt: now - 1000 },
    ];
    expect(pickMemoryVictim(workers, now)).toBe(2);
    expect(pickMemoryVictim([{ id: 3, rssBytes: 900, startedAt: now }], now)).toBeUndefined();
  });
});
