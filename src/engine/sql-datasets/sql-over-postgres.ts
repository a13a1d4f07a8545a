/**
 * The data dir's SQL datasets that run in PostgreSQL (plan-sql-builds.ts), each with the
 * failure to show where PostgreSQL is not configured. The serving catalog and
 * `dashport cache status` both ask here, so they name these datasets alike: neither has a
 * cache entry for them, by design.
 */
import type { BuildFailure } from '../cache-store.js';
import type { DuckDb } from '../duckdb.js';
import type { DatasetSources } from '../load-datasets.js';
import { planSqlBuilds } from './plan-sql-builds.js';

/** Whether any source is a `.sql` file, so callers can skip the parser when none is. */
export function hasSqlDatasets(sources: DatasetSources): boolean {
  return sources.sources.some((source) => source.kind === 'sql');
}

/**
 * Ids of the SQL datasets that run in PostgreSQL, in dependency order, each with the
 * "not configured" failure naming the file and the line of its first reference. Planned
 * without connecting: a `pg.` id no file dataset has is taken to be a PostgreSQL dataset.
 */
export async function sqlOverPostgres(
  db: DuckDb,
  sources: DatasetSources,
): Promise<Map<string, BuildFailure>> {
  const overPg = new Map<string, BuildFailure>();
  if (!hasSqlDatasets(sources)) return overPg;
  const plan = await planSqlBuilds(db, sources);
  for (const id of plan.postgres) {
    const source = sources.sources.find((s) => s.id === id);
    const ref = plan.inputs.get(id)?.references[0];
    const line = ref?.line ?? 1;
    overPg.set(id, {
      at: new Date().toISOString(),
      message: `${source?.location ?? id}:${line}: runs in PostgreSQL (it reads "${ref?.id ?? '?'}"), which is not configured (set DATABASE_URL)`,
      ...(source?.files[0] === undefined ? {} : { file: source.files[0] }),
      line,
    });
  }
  return overPg;
}
