/**
 * The cache build's hook for rollups: loads the dashboards once, then builds each dataset's
 * rollups after the dataset. A rollup that fails to build is logged and skipped: the dataset
 * is served from its base table all the same.
 */
import type { DashboardDefinition } from '../../shared/dashboard-types.js';
import { loadDashboards } from '../../dashboards/load-dashboards.js';
import type { Logger } from '../../logger.js';
import type { Manifest } from '../cache-store.js';
import type { DuckDb } from '../duckdb.js';
import { buildRollups } from './build-rollups.js';

export interface DashboardRollupsOptions {
  readonly db: DuckDb;
  readonly cacheDir: string;
  readonly dashboardsDir: string;
  readonly logger: Logger;
}

export function buildDashboardRollups(options: DashboardRollupsOptions): {
  build(manifest: Manifest): Promise<void>;
} {
  let definitions: Promise<readonly DashboardDefinition[]> | undefined;
  const load = () =>
    (definitions ??= loadDashboards(options.dashboardsDir)
      .then((set) => [...set.definitions.values()])
      .catch((error: unknown) => {
        options.logger.warn({ err: error }, 'dashboards not loaded; no rollups built');
        return [];
      }));
  return {
    async build(manifest) {
      const started = performance.now();
      try {
        const list = await buildRollups(manifest, {
          db: options.db,
          cacheDir: options.cacheDir,
          definitions: await load(),
        });
        if (list === undefined) return;
        options.logger.info(
          {
            dataset: manifest.id,
            rollups: list.rollups.map((r) => ({ key: r.spec.key, rows: r.rows })),
            seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
          },
          `dataset ${manifest.id}: ${list.rollups.length} rollup(s) ready`,
        );
      } catch (error) {
        options.logger.error({ err: error, dataset: manifest.id }, 'rollup build failed');
      }
    },
  };
}
