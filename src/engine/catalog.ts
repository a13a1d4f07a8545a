/**
 * The serving side's view of the datasets: which exist, which are ready (a committed cache
 * entry, registered as a DuckDB view over its Parquet file), which are still building or broken.
 * It only reads the cache; building is the cache builder's job, possibly in another process,
 * which tells us with `refresh(id)` when an entry was committed.
 */
import { stat } from 'node:fs/promises';
import { ConfigError, NotFoundError, UnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DatasetState, SourceKind } from '../shared/api-types.js';
import {
  type BuildFailure,
  type Manifest,
  datasetCacheDir,
  readAnalysisFile,
  readFailure,
  readManifest,
} from './cache-store.js';
import { settingsHash } from './source-fingerprint.js';
import type { Analyses } from './compute-analyses.js';
import type { DatasetSettings } from './dataset-settings.js';
import type { DuckDb } from './duckdb.js';
import { fileKind } from './discover.js';
import { type DatasetSources, loadDatasetSources } from './load-datasets.js';
import { sqlOverPostgres } from './sql-datasets/sql-over-postgres.js';
import { sqlString } from './source-sql.js';
import { quoteIdent } from './sql/identifiers.js';
import path from 'node:path';

export interface DatasetEntry {
  readonly id: string;
  readonly title: string;
  readonly description: string | undefined;
  readonly kind: SourceKind;
  readonly location: string;
  readonly files: readonly string[];
  readonly settings: DatasetSettings | undefined;
  state: DatasetState;
  manifest: Manifest | undefined;
  failure: BuildFailure | undefined;
  /** The cache entry is older than the source; it serves until the rebuild commits. */
  stale: boolean;
  /** The DuckDB view (unquoted name) that queries read. */
  relation: string | undefined;
  /** Changes whenever the served data changes; part of every ETag. */
  version: string;
  /** Newest modification time of the data served, for Last-Modified. */
  updatedAt: Date | undefined;
}

/** An entry that can answer queries now. */
export type ReadyEntry = DatasetEntry & { relation: string; manifest: Manifest };

export interface Catalog {
  /** Discover the datasets and attach every committed cache entry. */
  load(): Promise<void>;
  /** Re-read one dataset's cache entry (or all) after a build committed or failed. */
  refresh(id?: string): Promise<void>;
  list(): DatasetEntry[];
  has(id: string): boolean;
  /** The entry, or 404 naming the known ids. */
  get(id: string): DatasetEntry;
  /** The entry if it can answer queries now, else 503 with Retry-After (or 404). */
  ready(id: string): ReadyEntry;
  analyses(id: string): Promise<Analyses>;
  /** 0..1 of datasets settled (ready or broken). */
  progress(): number;
  /** Every dataset is ready or broken and none is stale. */
  warm(): boolean;
  readonly dataDir: string;
}

export interface CatalogOptions {
  readonly dataDir: string;
  readonly cacheDir: string;
  readonly db: DuckDb;
  readonly logger: Logger;
  /**
   * PostgreSQL is configured (DATABASE_URL): SQL datasets over PostgreSQL datasets are its
   * source's, not listed here. Without it they are listed as broken, saying so.
   */
  readonly postgres?: boolean;
}

function titleFromId(id: string): string {
  const words = id.replace(/[-_.]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function createCatalog(options: CatalogOptions): Catalog {
  const entries = new Map<string, DatasetEntry>();
  const analysesCache = new Map<string, { version: string; analyses: Analyses }>();
  let viewCounter = 0;

  // Sources that could not even be listed: nothing in the cache can change their state.
  const unlisted = new Set<string>();

  async function attach(entry: DatasetEntry): Promise<void> {
    if (unlisted.has(entry.id)) return;
    const manifest = await readManifest(options.cacheDir, entry.id);
    const failure = await readFailure(options.cacheDir, entry.id);
    entry.failure = failure;
    if (manifest && manifest.settingsHash === settingsHash(entry.settings)) {
      const parquet = path.join(datasetCacheDir(options.cacheDir, entry.id), manifest.parquetFile);
      if (entry.manifest?.parquetFile !== manifest.parquetFile || entry.relation === undefined) {
        const view = `dataset_${++viewCounter}`;
        await options.db.run(
          `CREATE OR REPLACE VIEW ${quoteIdent(view)} AS SELECT * FROM read_parquet(${sqlString(parquet)})`,
        );
        entry.relation = view;
      }
      entry.manifest = manifest;
      entry.version = `${manifest.contentHash.slice(0, 16)}-${manifest.settingsHash.slice(0, 6)}`;
      entry.updatedAt = new Date(Math.max(...manifest.sources.map((s) => s.mtimeMs), 0));
      entry.stale = await isStale(manifest);
      entry.state = 'ready';
      return;
    }
    if (failure && !entry.manifest) {
      entry.state = 'broken';
      return;
    }
    if (!entry.manifest) entry.state = 'pending';
    // Built with other settings: it serves until the rebuild commits.
    else entry.stale = true;
  }

  async function isStale(manifest: Manifest): Promise<boolean> {
    try {
      const now = await Promise.all(manifest.sources.map((s) => stat(s.path)));
      return now.some(
        (info, i) =>
          info.size !== manifest.sources[i]?.size || info.mtimeMs !== manifest.sources[i]?.mtimeMs,
      );
    } catch {
      return true;
    }
  }

  function entryFrom(sources: DatasetSources, id: string): DatasetEntry {
    const source = sources.sources.find((s) => s.id === id);
    const settings = sources.settings[id];
    return {
      id,
      title: settings?.title ?? titleFromId(id),
      description: settings?.description,
      kind: source?.kind ?? 'csv',
      location: source?.location ?? id,
      files: source?.files ?? [],
      settings,
      state: 'pending',
      manifest: undefined,
      failure: undefined,
      stale: false,
      relation: undefined,
      version: 'pending',
      updatedAt: undefined,
    };
  }

  const catalog: Catalog = {
    dataDir: options.dataDir,
    async load() {
      let sources: DatasetSources;
      try {
        sources = await loadDatasetSources(options.dataDir);
      } catch (error) {
        // The folder vanished (an unmounted volume): serve nothing, /health says unhealthy.
        if (error instanceof ConfigError && error.parameter === 'DASHPORT_DATA_DIR') {
          options.logger.error({ dataDir: options.dataDir }, error.message);
          entries.clear();
          return;
        }
        throw error;
      }
      const fresh = new Map<string, DatasetEntry>();
      const overPg = await sqlOverPostgres(options.db, sources);
      for (const source of sources.sources) {
        if (overPg.has(source.id)) continue;
        const existing = entries.get(source.id);
        // dashport.yaml may have changed: take the new settings, keep serving what is attached.
        const entry: DatasetEntry =
          existing === undefined
            ? entryFrom(sources, source.id)
            : {
                ...entryFrom(sources, source.id),
                state: existing.state,
                manifest: existing.manifest,
                failure: existing.failure,
                stale: existing.stale,
                relation: existing.relation,
                version: existing.version,
                updatedAt: existing.updatedAt,
              };
        fresh.set(source.id, entry);
      }
      unlisted.clear();
      for (const [id, failure] of overPg) {
        if (options.postgres === true) continue;
        unlisted.add(id);
        const entry = entryFrom(sources, id);
        entry.state = 'broken';
        entry.failure = failure;
        fresh.set(id, entry);
      }
      for (const problem of sources.problems) {
        unlisted.add(problem.id);
        // Not among the sources (it could not be listed): its kind and location come from the problem.
        const entry: DatasetEntry = {
          ...entryFrom(sources, problem.id),
          kind: fileKind(problem.location)?.kind ?? 'csv',
          location: problem.location,
        };
        entry.state = 'broken';
        entry.failure = { at: new Date().toISOString(), message: problem.reason };
        fresh.set(problem.id, entry);
      }
      entries.clear();
      for (const [id, entry] of fresh) entries.set(id, entry);
      await Promise.all([...entries.values()].map(attach));
    },
    async refresh(id) {
      const targets =
        id === undefined ? [...entries.values()] : [entries.get(id)].filter((e) => e !== undefined);
      await Promise.all(targets.map(attach));
    },
    list() {
      return [...entries.values()].sort((a, b) => a.id.localeCompare(b.id));
    },
    has(id) {
      return entries.has(id);
    },
    get(id) {
      const entry = entries.get(id);
      if (!entry) {
        const known = [...entries.keys()].sort();
        throw new NotFoundError(
          'DASHPORT_ERR_DATASET_NOT_FOUND',
          `unknown dataset "${id}"; datasets are: ${known.slice(0, 50).join(', ') || '(none)'}`,
        );
      }
      return entry;
    },
    ready(id) {
      const entry = catalog.get(id);
      if (entry.state === 'ready' && entry.relation !== undefined && entry.manifest !== undefined) {
        return entry as ReadyEntry;
      }
      if (entry.state === 'broken') {
        throw new UnavailableError(
          'DASHPORT_ERR_DATASET_BROKEN',
          `dataset "${id}" cannot be read: ${entry.failure?.message ?? 'unknown error'}`,
          60,
        );
      }
      throw new UnavailableError(
        'DASHPORT_ERR_DATASET_NOT_READY',
        `dataset "${id}" is still being prepared; retry shortly`,
        5,
      );
    },
    async analyses(id) {
      const entry = catalog.ready(id);
      const cached = analysesCache.get(id);
      if (cached && cached.version === entry.version) return cached.analyses;
      const analyses = await readAnalysisFile<Analyses>(options.cacheDir, entry.manifest);
      if (!analyses) {
        throw new UnavailableError(
          'DASHPORT_ERR_DATASET_NOT_READY',
          `analyses of dataset "${id}" are being rebuilt; retry shortly`,
        );
      }
      analysesCache.set(id, { version: entry.version, analyses });
      return analyses;
    },
    progress() {
      const all = [...entries.values()];
      if (all.length === 0) return 1;
      return all.filter((e) => e.state === 'ready' || e.state === 'broken').length / all.length;
    },
    warm() {
      return [...entries.values()].every(
        (e) => (e.state === 'ready' && !e.stale) || e.state === 'broken',
      );
    },
  };
  return catalog;
}
