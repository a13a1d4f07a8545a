import { describe, expect, it, vi } from 'vitest';
import { createStaleWhileRevalidate } from './response-cache-swr.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('createStaleWhileRevalidate', () => {
  it('serves a fresh value without reloading', async () => {
    const time = clock();
    const swr = createStaleWhileRevalidate<number>({ freshMs: 1000, now: time.now });
    const load = vi.fn(async () => 1);
    expect((await swr.get('a', load)).value).toBe(1);
    time.advance(999);
    const read = await swr.get('a', load);
    expect(read).toMatchObject({ value: 1, stale: false });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('serves the stale value at once and refreshes once in the background', async () => {
    const time = clock();
    const swr = createStaleWhileRevalidate<number>({ freshMs: 1000, now: time.now });
    await swr.get('a', async () => 1);
    time.advance(1001);
    let release: (value: number) => void = () => undefined;
    const slow = vi.fn(() => new Promise<number>((resolve) => (release = resolve)));
    const [first, second] = await Promise.all([swr.get('a', slow), swr.get('a', slow)]);
    expect(first).toMatchObject({ value: 1, stale: true });
    expect(second).toMatchObject({ value: 1, stale: true });
    expect(slow).toHaveBeenCalledTimes(1);
    release(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await swr.get('a', slow)).value).toBe(2);
  });

  it('keeps the last good value when a refresh fails, and reports the failure', async () => {
    const time = clock();
    const onRefreshError = vi.fn();
    const swr = createStaleWhileRevalidate<string>({ freshMs: 10, now: time.now, onRefreshError });
    await swr.get('pg.t', async () => 'good');
    time.advance(50);
    const failing = async (): Promise<string> => {
      throw new Error('connection refused');
    };
    expect((await swr.get('pg.t', failing)).value).toBe('good');
    await new Promise((resolve) => setImmediate(resolve));
    expect(onRefreshError).toHaveBeenCalledTimes(1);
    expect(swr.failures()).toEqual([
      expect.objectContaining({ key: 'pg.t', message: 'connection refused', servingAgeMs: 50 }),
    ]);
    expect((await swr.get('pg.t', failing)).value).toBe('good');
    await new Promise((resolve) => setImmediate(resolve));
    await swr.get('pg.t', async () => 'better');
    await new Promise((resolve) => setImmediate(resolve));
    expect(swr.failures()).toEqual([]);
    expect((await swr.get('pg.t', failing)).value).toBe('better');
  });

  it('treats a value of another version as stale whatever its age', async () => {
    const time = clock();
    const swr = createStaleWhileRevalidate<string>({ freshMs: 60_000, now: time.now });
    await swr.get('k', async () => 'v1', { version: '1' });
    const read = await swr.get('k', async () => 'v2', { version: '2' });
    expect(read).toMatchObject({ value: 'v1', stale: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await swr.get('k', async () => 'v3', { version: '2' })).toMatchObject({
      value: 'v2',
      stale: false,
    });
  });

  it('makes the first read wait and surfaces its error, without caching the failure', async () => {
    const swr = createStaleWhileRevalidate<number>();
    await expect(
      swr.get('a', async () => {
        throw new Error('down');
      }),
    ).rejects.toThrow('down');
    expect((await swr.get('a', async () => 7)).value).toBe(7);
  });

  it('stops serving a value older than maxStaleMs when the refresh fails', async () => {
    const time = clock();
    const swr = createStaleWhileRevalidate<number>({ freshMs: 10, maxStaleMs: 100, now: time.now });
    await swr.get('a', async () => 1);
    time.advance(101);
    await expect(
      swr.get('a', async () => {
        throw new Error('still down');
      }),
    ).rejects.toThrow('still down');
  });
});
