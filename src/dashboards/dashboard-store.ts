/**
 * The dashboards the server serves: loaded from the dashboards dir at start, reloaded when
 * `watch()` sees a file change (`dashport dev`). Problems are logged with file, line and path.
 */
import { watch as watchDir, type FSWatcher } from 'node:fs';
import { ConfigError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DashboardDefinition, DashboardListEntry } from '../shared/dashboard-types.js';
import { type DashboardSet, loadDashboards } from './load-dashboards.js';
import { describeProblem } from './parse-dashboard-file.js';

/** Editors write a file in several steps; one reload after they settle is enough. */
export const RELOAD_DEBOUNCE_MS = 100;

export interface DashboardStore {
  readonly dir: string;
  /** (Re)read every dashboard file; logs each problem. */
  load(): Promise<void>;
  list(): readonly DashboardListEntry[];
  /** The valid dashboard `id`; 404 naming the known ids, or the file's problems when it is invalid. */
  get(id: string): DashboardDefinition;
  /** Reload on every change in the dir until the returned function is called. */
  watch(): () => void;
}

export interface DashboardStoreOptions {
  readonly dir: string;
  readonly logger: Logger;
}

export function createDashboardStore({ dir, logger }: DashboardStoreOptions): DashboardStore {
  let current: DashboardSet = { definitions: new Map(), entries: [] };
  let loading: Promise<void> | undefined;
  let again = false;

  async function loadOnce(): Promise<void> {
    const next = await loadDashboards(dir);
    for (const entry of next.entries) {
      for (const problem of entry.problems) {
        logger.warn(
          { dashboard: entry.id, file: problem.file, path: problem.path, line: problem.line },
          `dashboard ${describeProblem(problem)}`,
        );
      }
    }
    current = next;
  }

  // Loads never overlap: a change during a load triggers exactly one more afterwards.
  async function load(): Promise<void> {
    if (loading) {
      again = true;
      return loading;
    }
    loading = (async () => {
      try {
        do {
          again = false;
          await loadOnce();
        } while (again);
      } finally {
        loading = undefined;
      }
    })();
    return loading;
  }

  return {
    dir,
    load,
    list: () => current.entries,
    get(id) {
      const definition = current.definitions.get(id);
      if (definition) return definition;
      const entry = current.entries.find((candidate) => candidate.id === id);
      if (entry) {
        throw new ConfigError(
          `dashboard "${id}" is invalid: ${entry.problems.map(describeProblem).join('; ')}`,
        );
      }
      const known = current.entries.map((candidate) => candidate.id);
      throw new NotFoundError(
        'DASHPORT_ERR_DASHBOARD_NOT_FOUND',
        `unknown dashboard "${id}"; dashboards are: ${known.join(', ') || '(none)'}`,
      );
    },
    watch() {
      let timer: NodeJS.Timeout | undefined;
      let watcher: FSWatcher;
      try {
        watcher = watchDir(dir, () => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            load().then(
              () =>
                logger.info({ dir, dashboards: current.definitions.size }, 'dashboards reloaded'),
              (error: unknown) =>
                logger.error({ err: error, dir }, 'dashboards could not be reloaded'),
            );
          }, RELOAD_DEBOUNCE_MS);
        });
      } catch (error) {
        logger.info({ dir, reason: (error as Error).message }, 'dashboards dir not watched');
        return () => undefined;
      }
      watcher.on('error', (error) =>
        logger.warn({ err: error, dir }, 'dashboards watcher stopped'),
      );
      return () => {
        clearTimeout(timer);
        watcher.close();
      };
    },
  };
}
