import { describe, expect, it } from 'vitest';
import type { CacheState, CacheStatusEntry } from './cache-status.js';
import { type CacheWaitEffects, pendingEntries, waitForSettledCache } from './cache-wait.js';

function entry(id: string, state: CacheState): CacheStatusEntry {
  return { id, state, location: `${id}.csv`, rows: null, builtAt: null, error: null };
}

/** Effects that play back one report and lock state per look, on a fake clock. */
function scripted(looks: { states: CacheState[]; lock: boolean }[]): {
  effects: CacheWaitEffects;
  looks: () => number;
  slept: number[];
} {
  let clock = 0;
  let index = 0;
  const slept: number[] = [];
  const current = () => looks[Math.min(index, looks.length - 1)] ?? { states: [], lock: false };
  return {
    effects: {
      report: async () => current().states.map((state, i) => entry(`d${i}`, state)),
      lockHeld: async () => current().lock,
      sleep: async (ms) => {
        slept.push(ms);
        clock += ms;
        index += 1;
      },
      now: () => clock,
    },
    looks: () => index + 1,
    slept,
  };
}

describe('waitForSettledCache', () => {
  it('returns at once when every dataset is fresh or broken and nobody builds', async () => {
    const { effects, looks } = scripted([{ states: ['fresh', 'broken'], lock: false }]);
    const entries = await waitForSettledCache(effects, 10_000, 1_000);
    expect(entries.map((e) => e.state)).toEqual(['fresh', 'broken']);
    expect(looks()).toBe(1);
  });

  it('does not wait for a SQL dataset that runs in PostgreSQL (never cached)', async () => {
    const { effects, looks } = scripted([{ states: ['fresh', 'database'], lock: false }]);
    const entries = await waitForSettledCache(effects, 10_000, 1_000);
    expect(entries.map((e) => e.state)).toEqual(['fresh', 'database']);
    expect(looks()).toBe(1);
  });

  it('waits while datasets are missing or stale, then while the builder still holds the lock', async () => {
    const { effects, looks, slept } = scripted([
      { states: ['missing', 'missing'], lock: true },
      { states: ['fresh', 'stale'], lock: true },
      // Every manifest is in, but the rollups are still being written under the lock.
      { states: ['fresh', 'fresh'], lock: true },
      { states: ['fresh', 'fresh'], lock: false },
    ]);
    await waitForSettledCache(effects, 60_000, 1_000);
    expect(looks()).toBe(4);
    expect(slept).toEqual([1_000, 1_000, 1_000]);
  });

  it('gives up at the deadline, naming what it waited for and that no build runs', async () => {
    const { effects, slept } = scripted([{ states: ['fresh', 'stale'], lock: false }]);
    await expect(waitForSettledCache(effects, 2_500, 1_000)).rejects.toMatchObject({
      code: 'DASHPORT_ERR_CACHE',
      message:
        'the cache was not ready within 3 s: waiting for d1 (stale); no build is running: run `dashport cache build`',
    });
    // The last sleep is cut to the deadline.
    expect(slept).toEqual([1_000, 1_000, 500]);
  });

  it('reports a build that outlives the deadline', async () => {
    const { effects } = scripted([{ states: ['fresh'], lock: true }]);
    await expect(waitForSettledCache(effects, 1_000, 1_000)).rejects.toThrow(
      'the cache was not ready within 1 s: a build still holds the lock',
    );
  });
});

describe('pendingEntries', () => {
  it('keeps what is neither fresh, broken nor run in PostgreSQL', () => {
    const entries = [entry('a', 'fresh'), entry('b', 'missing'), entry('c', 'broken')];
    expect(
      pendingEntries([...entries, entry('d', 'stale'), entry('e', 'database')]).map((e) => e.id),
    ).toEqual(['b', 'd']);
  });
});
