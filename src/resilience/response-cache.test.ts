import { describe, expect, it, vi } from 'vitest';
import { createResponseCache } from './response-cache.js';

const key = (version: string, query = 'x=1') => ({
  dataset: 'spots',
  version,
  kind: 'rows',
  query,
});

describe('createResponseCache (in-process only)', () => {
  it('misses, then hits memory once set, counting by layer', async () => {
    const onLookup = vi.fn();
    const cache = createResponseCache({ onLookup });
    expect(await cache.get(key('v1'))).toBeUndefined();
    await cache.set(key('v1'), { rows: [[1]] });
    expect(await cache.get(key('v1'))).toMatchObject({ layer: 'memory', value: { rows: [[1]] } });
    expect(cache.stats().memory).toMatchObject({ hits: 1, misses: 1, entries: 1 });
    expect(onLookup.mock.calls).toEqual([
      ['memory', 'miss'],
      ['memory', 'hit'],
    ]);
  });

  it("peeks at this process's entries without a promise, counting only hits", async () => {
    const onLookup = vi.fn();
    const cache = createResponseCache({ onLookup });
    expect(cache.peek(key('v1'))).toBeUndefined();
    await cache.set(key('v1'), { n: 1 });
    const entry = cache.peek<{ n: number }>(key('v1'));
    expect(entry?.value).toEqual({ n: 1 });
    // Frozen: every hit hands out this object, so no caller may change it.
    expect(Object.isFrozen(entry?.value)).toBe(true);
    expect(cache.peek(key('v2'))).toBeUndefined();
    expect(onLookup.mock.calls).toEqual([['memory', 'hit']]);
  });

  it('never answers a new version from an old entry, and invalidate frees old entries', async () => {
    const cache = createResponseCache();
    await cache.set(key('v1'), 'old');
    expect(await cache.get(key('v2'))).toBeUndefined();
    await cache.set({ ...key('v1'), dataset: 'other' }, 'kept');
    cache.invalidate('spots');
    expect(await cache.get(key('v1'))).toBeUndefined();
    expect((await cache.get({ ...key('v1'), dataset: 'other' }))?.value).toBe('kept');
  });

  it('skips bodies larger than the per-entry limit', async () => {
    const cache = createResponseCache({ maxEntryBytes: 100 });
    await cache.set(key('v1'), 'x'.repeat(200));
    expect(await cache.get(key('v1'))).toBeUndefined();
  });
});
