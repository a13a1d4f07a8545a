import { describe, expect, it, vi } from 'vitest';
import { createResponseCache } from './response-cache.js';

const key = (version: string, query = 'x=1') => ({
  dataset: 'spots',
  version,
  kind: 'rows',
  query,
});

describe('createResponseCache (in-process only)', () => {
  it('computes once, then hits memory, counting by layer', async () => {
    const onLookup = vi.fn();
    const cache = createResponseCache({ onLookup });
    const compute = vi.fn(async () => ({ rows: [[1]] }));
    const first = await cache.getOrCompute(key('v1'), compute);
    const second = await cache.getOrCompute(key('v1'), compute);
    expect(first.layer).toBe('computed');
    expect(second).toMatchObject({ layer: 'memory', value: { rows: [[1]] } });
    expect(compute).toHaveBeenCalledTimes(1);
    expect(cache.stats().memory).toMatchObject({ hits: 1, misses: 1, entries: 1 });
    expect(onLookup.mock.calls).toEqual([
      ['memory', 'miss'],
      ['memory', 'hit'],
    ]);
  });

  it('shares one computation between concurrent misses of a key', async () => {
    const cache = createResponseCache();
    const compute = vi.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return 42;
    });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => cache.getOrCompute(key('v1'), compute)),
    );
    expect(results.map((r) => r.value)).toEqual([42, 42, 42, 42, 42]);
    expect(compute).toHaveBeenCalledTimes(1);
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

  it('does not cache a failed computation', async () => {
    const cache = createResponseCache();
    await expect(
      cache.getOrCompute(key('v1'), async () => {
        throw new Error('query failed');
      }),
    ).rejects.toThrow('query failed');
    expect((await cache.getOrCompute(key('v1'), async () => 'ok')).value).toBe('ok');
  });

  it('skips bodies larger than the per-entry limit', async () => {
    const cache = createResponseCache({ maxEntryBytes: 100 });
    await cache.set(key('v1'), 'x'.repeat(200));
    expect(await cache.get(key('v1'))).toBeUndefined();
  });
});
