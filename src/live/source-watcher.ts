/**
 * Source files changed on disk: every cached file dataset's sources are compared with the
 * sizes and mtimes its manifest was built from; changed ones are rebuilt (once, under the
 * cache lock, by the cache builder), re-read and announced as a `version` event. A failed
 * rebuild leaves the last good data served.
 */
import { stat } from 'node:fs/promises';
import type { Catalog } from '../engine/catalog.js';
import type { Logger } from '../logger.js';

export interface SourceWatcherOptions {
  readonly catalog: Catalog;
  /** Rebuilds the cache entries of the given datasets (the cache builder with `only`). */
  readonly rebuild: (ids: readonly string[]) => Promise<void>;
  /** Tells clients that the data of `id` changed. */
  readonly announce: (id: string) => void;
  readonly logger: Logger;
}

export interface SourceWatcher {
  /** Compares every source with its manifest and rebuilds the changed datasets. */
  check(): Promise<void>;
}

export function createSourceWatcher(options: SourceWatcherOptions): SourceWatcher {
  const { catalog, logger } = options;
  // The state each change was seen in, so one change is rebuilt once, not at every check.
  const sourceStates = new Map<string, string>();
  const rebuilding = new Set<string>();

  async function changedIds(): Promise<string[]> {
    const changed: string[] = [];
    for (const entry of catalog.list()) {
      const manifest = entry.manifest;
      if (manifest === undefined || rebuilding.has(entry.id) || manifest.sources.length === 0)
        continue;
      const now = await Promise.all(
        manifest.sources.map((source) =>
          stat(source.path).then(
            (info) => `${info.size}:${info.mtimeMs}`,
            () => 'missing',
          ),
        ),
      );
      const state = now.join('|');
      const built = manifest.sources.map((source) => `${source.size}:${source.mtimeMs}`).join('|');
      if (state !== built && sourceStates.get(entry.id) !== state) {
        sourceStates.set(entry.id, state);
        changed.push(entry.id);
      }
    }
    return changed;
  }

  return {
    async check() {
      const changed = await changedIds();
      if (changed.length === 0) return;
      for (const id of changed) rebuilding.add(id);
      try {
        await options.rebuild(changed);
        for (const id of changed) {
          await catalog.refresh(id);
          options.announce(id);
        }
      } catch (error) {
        logger.error(
          { err: error, datasets: changed },
          'rebuilding changed datasets failed; the last good data stays served',
        );
      } finally {
        for (const id of changed) rebuilding.delete(id);
      }
    },
  };
}
