/**
 * Each dataset's cache state without building anything: fresh (entry matches the sources),
 * stale (sources changed since), missing, or broken (last build failed: file, line, reason).
 *
 * A fifth state, `database`, is for the SQL datasets that run in PostgreSQL (SPEC §10): the
 * four above describe a cache entry, and these have none by design (every query runs their
 * statement in PostgreSQL), so "missing" would send the operator to build what is never built
 * and `cache status --wait` would wait for it until it timed out. They count as settled. The
 * status does not connect to PostgreSQL: whether the statement prepares there is for
 * /api/v1/datasets and /health to say. Without DATABASE_URL they are broken, as the server
 * lists them. `pg.<table>` datasets are not in the data dir and not listed here at all.
 */
import { settingsHash, fingerprintFiles } from './source-fingerprint.js';
import { type BuildFailure, readFailure, readManifest } from './cache-store.js';
import { createDuckDb } from './duckdb.js';
import { type DatasetSources, loadDatasetSources } from './load-datasets.js';
import { hasSqlDatasets, sqlOverPostgres } from './sql-datasets/sql-over-postgres.js';

export type CacheState = 'fresh' | 'stale' | 'missing' | 'broken' | 'database';

/** What the table says of a dataset in the `database` state. */
export const DATABASE_DETAIL = 'runs in PostgreSQL, not cached';

/** Parsing a few `.sql` files takes milliseconds; a minute only bounds a pathological one. */
const SQL_PARSE_TIMEOUT_MS = 60_000;

export interface CacheStatusEntry {
  readonly id: string;
  readonly state: CacheState;
  readonly location: string;
  readonly rows: number | null;
  readonly builtAt: string | null;
  readonly error: string | null;
}

export interface CacheStatusOptions {
  /** DATABASE_URL is set: SQL datasets over PostgreSQL are `database`, else broken. */
  readonly postgres?: boolean;
}

/** The SQL datasets that run in PostgreSQL, planned with a throw-away DuckDB parser. */
async function overPostgres(datasets: DatasetSources): Promise<Map<string, BuildFailure>> {
  if (!hasSqlDatasets(datasets)) return new Map();
  const db = await createDuckDb({
    threads: 1,
    connections: 1,
    queryTimeoutMs: SQL_PARSE_TIMEOUT_MS,
  });
  try {
    return await sqlOverPostgres(db, datasets);
  } finally {
    db.close();
  }
}

export async function cacheStatusReport(
  dataDir: string,
  cacheDir: string,
  options: CacheStatusOptions = {},
): Promise<CacheStatusEntry[]> {
  const datasets = await loadDatasetSources(dataDir);
  const overPg = await overPostgres(datasets);
  const entries: CacheStatusEntry[] = [];
  for (const source of datasets.sources) {
    const notConfigured = overPg.get(source.id);
    if (notConfigured !== undefined) {
      // Whatever the cache dir holds for this id is from before it read PostgreSQL.
      const database = options.postgres === true;
      entries.push({
        id: source.id,
        state: database ? 'database' : 'broken',
        location: source.location,
        rows: null,
        builtAt: null,
        error: database ? null : notConfigured.message,
      });
      continue;
    }
    const [manifest, failure] = await Promise.all([
      readManifest(cacheDir, source.id),
      readFailure(cacheDir, source.id),
    ]);
    // A SQL dataset's entry also lists the sources of the datasets it reads: compare all of them.
    const watched =
      source.kind === 'sql' && manifest ? manifest.sources.map((s) => s.path) : source.files;
    const files = await fingerprintFiles(watched).catch(() => []);
    let state: CacheState = 'missing';
    if (failure) state = 'broken';
    else if (manifest) {
      const same =
        manifest.settingsHash === settingsHash(datasets.settings[source.id]) &&
        manifest.sources.length === files.length &&
        manifest.sources.every(
          (s, i) =>
            s.path === files[i]?.path &&
            s.size === files[i]?.size &&
            s.mtimeMs === files[i]?.mtimeMs,
        );
      state = same ? 'fresh' : 'stale';
    }
    entries.push({
      id: source.id,
      state,
      location: source.location,
      rows: manifest?.rows ?? null,
      builtAt: manifest?.builtAt ?? null,
      error: failure?.message ?? null,
    });
  }
  for (const problem of datasets.problems) {
    entries.push({
      id: problem.id,
      state: 'broken',
      location: problem.location,
      rows: null,
      builtAt: null,
      error: problem.reason,
    });
  }
  return entries;
}

export function formatStatusTable(entries: readonly CacheStatusEntry[]): string {
  const header = ['dataset', 'state', 'rows', 'built', 'detail'];
  const rows = entries.map((e) => [
    e.id,
    e.state,
    e.rows === null ? '-' : String(e.rows),
    e.builtAt ?? '-',
    e.error ?? (e.state === 'database' ? `${e.location}: ${DATABASE_DETAIL}` : e.location),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
