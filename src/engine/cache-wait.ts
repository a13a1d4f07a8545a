/**
 * Waiting for a cache that another process builds: the serving pods of a Kubernetes
 * Deployment whose cache a Job builds onto a shared volume (deploy/k8s/overlays/production).
 * The cache is settled when every dataset is fresh, broken (a broken one fails alone; the
 * server serves the others) or runs in PostgreSQL (`database`: never cached, so nothing to
 * wait for) and no live builder holds the lock — its rollups are written
 * after the dataset's manifest. I/O and the clock are passed in, so the logic is tested with
 * fakes (cache-wait.test.ts).
 */
import { DashportError } from '../errors.js';
import type { CacheState, CacheStatusEntry } from './cache-status.js';

export interface CacheWaitEffects {
  readonly report: () => Promise<readonly CacheStatusEntry[]>;
  readonly lockHeld: () => Promise<boolean>;
  readonly sleep: (ms: number) => Promise<void>;
  /** Milliseconds on a monotonic clock. */
  readonly now: () => number;
  /** Called on each look that finds the cache unsettled, with what it still waits for. */
  readonly onWait?: (pending: readonly CacheStatusEntry[], building: boolean) => void;
}

/** How often to look again: the Job commits dataset by dataset, each taking seconds or more. */
export const CACHE_WAIT_POLL_MS = 2_000;

/** States a build will not change: nothing to wait for. */
const SETTLED_STATES: ReadonlySet<CacheState> = new Set(['fresh', 'broken', 'database']);

/** Datasets a build has still to commit (missing or stale). */
export function pendingEntries(entries: readonly CacheStatusEntry[]): CacheStatusEntry[] {
  return entries.filter((entry) => !SETTLED_STATES.has(entry.state));
}

/** Resolves with the settled report, or throws DASHPORT_ERR_CACHE once `timeoutMs` passed. */
export async function waitForSettledCache(
  effects: CacheWaitEffects,
  timeoutMs: number,
  pollMs: number = CACHE_WAIT_POLL_MS,
): Promise<readonly CacheStatusEntry[]> {
  const deadline = effects.now() + timeoutMs;
  for (;;) {
    const [entries, building] = await Promise.all([effects.report(), effects.lockHeld()]);
    const pending = pendingEntries(entries);
    if (pending.length === 0 && !building) return entries;
    if (effects.now() >= deadline) {
      const what = pending.map((entry) => `${entry.id} (${entry.state})`).join(', ');
      throw new DashportError(
        'DASHPORT_ERR_CACHE',
        `the cache was not ready within ${Math.round(timeoutMs / 1000)} s: ${
          what === ''
            ? 'a build still holds the lock'
            : `waiting for ${what}${building ? ' while a build runs' : '; no build is running: run `dashport cache build`'}`
        }`,
      );
    }
    effects.onWait?.(pending, building);
    await effects.sleep(Math.min(pollMs, Math.max(0, deadline - effects.now())));
  }
}
