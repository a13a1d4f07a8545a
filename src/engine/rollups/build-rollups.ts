/**
 * The cache build's rollup step for one dataset: derive the rollups its dashboards call for,
 * keep those already built from this version, build the others from the dataset's Parquet in
 * one GROUP BY scan each, and commit the list. Dashboards that fail to load are skipped (their
 * problems are the dashboard API's to report); no dashboards, no rollups.
 */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DashboardDefinition } from '../../shared/dashboard-types.js';
import { type Manifest, datasetCacheDir, temporaryPath } from '../cache-store.js';
import type { DuckDb } from '../duckdb.js';
import { quoteIdent } from '../sql/identifiers.js';
import { deriveRollups } from './rollup-spec.js';
import { buildRollupTableSql } from './rollup-sql.js';
import {
  type RollupList,
  type StoredRollup,
  ROLLUPS_FORMAT_VERSION,
  manifestVersion,
  readRollupList,
  rollupDir,
  rollupListPath,
  writeRollupList,
} from './rollup-store.js';
import { sqlString } from '../source-sql.js';

export interface RollupBuildContext {
  readonly db: DuckDb;
  readonly cacheDir: string;
  readonly definitions: Iterable<DashboardDefinition>;
  /** Largest rollup, as a share of the dataset's rows (default DEFAULT_MAX_ROWS_SHARE). */
  readonly maxRowsShare?: number;
}

/** Build (or keep) the rollups of the dataset whose entry is `manifest`; the committed list. */
export async function buildRollups(
  manifest: Manifest,
  context: RollupBuildContext,
): Promise<RollupList | undefined> {
  const { db, cacheDir } = context;
  const id = manifest.id;
  const specs = deriveRollups(id, manifest.columns, context.definitions, {
    rows: manifest.rows,
    ...(context.maxRowsShare === undefined ? {} : { maxRowsShare: context.maxRowsShare }),
  });
  if (specs.length === 0) {
    await rm(rollupListPath(cacheDir, id), { force: true });
    await rm(rollupDir(cacheDir, id), { recursive: true, force: true });
    return undefined;
  }
  const version = manifestVersion(manifest);
  const previous = await readRollupList(cacheDir, id);
  const reusable = new Map(
    previous?.version === version ? previous.rollups.map((r) => [r.spec.key, r]) : [],
  );
  const datasetDir = datasetCacheDir(cacheDir, id);
  const base = path.join(datasetDir, manifest.parquetFile);
  const view = `rollup_base_${id.replace(/[^A-Za-z0-9_]/g, '_')}`;
  await db.run(
    `CREATE OR REPLACE TEMP VIEW ${quoteIdent(view)} AS SELECT * FROM read_parquet(${sqlString(base)})`,
  );
  const rollups: StoredRollup[] = [];
  try {
    for (const spec of specs) {
      const kept = reusable.get(spec.key);
      const file = path.join('rollups', `${spec.key}.parquet`);
      const target = path.join(datasetDir, file);
      if (kept !== undefined && (await stat(target).catch(() => undefined)) !== undefined) {
        rollups.push(kept);
        continue;
      }
      const started = performance.now();
      const temporary = temporaryPath(target);
      await mkdir(path.dirname(target), { recursive: true });
      await db.run(
        `COPY (${buildRollupTableSql(view, spec, manifest.columns)}) TO ${sqlString(temporary)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      await rename(temporary, target).catch(async (error: unknown) => {
        await rm(temporary, { force: true });
        throw error;
      });
      const counted = await db.query(
        `SELECT count(*) AS n FROM read_parquet(${sqlString(target)})`,
      );
      rollups.push({
        spec,
        file,
        rows: Number(counted.rows[0]?.[0] ?? 0),
        bytes: (await stat(target)).size,
        buildSeconds: (performance.now() - started) / 1000,
      });
    }
  } finally {
    await db.run(`DROP VIEW IF EXISTS ${quoteIdent(view)}`);
  }
  const list: RollupList = {
    formatVersion: ROLLUPS_FORMAT_VERSION,
    dataset: id,
    version,
    builtAt: new Date().toISOString(),
    rollups,
  };
  await writeRollupList(cacheDir, list);
  // Rollups no dashboard calls for any more.
  const listed = new Set(rollups.map((r) => path.basename(r.file)));
  const names = await readdir(rollupDir(cacheDir, id)).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => !listed.has(name) && !name.startsWith('.tmp-'))
      .map((name) => rm(path.join(rollupDir(cacheDir, id), name), { force: true })),
  );
  return list;
}
