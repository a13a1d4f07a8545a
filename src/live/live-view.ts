/**
 * How DuckDB reads a live file dataset: the cached Parquet of its source, the compacted
 * Parquet parts, and every segment file the glob `seg-*.ndjson` finds at query time minus
 * those already compacted — one relation with the dataset's columns and types. A new batch
 * needs no new view (the glob finds it); only a compaction does. `createLiveCatalog` puts that
 * relation, and a version that moves with every batch, behind the catalog's live entries.
 */
import path from 'node:path';
import type { Catalog, DatasetEntry } from '../engine/catalog.js';
import { datasetCacheDir } from '../engine/cache-store.js';
import type { DuckDb } from '../engine/duckdb.js';
import { sqlString, sqlTypeOf } from '../engine/source-sql.js';
import { quoteIdent } from '../engine/sql/identifiers.js';
import type { ColumnInfo } from '../shared/api-types.js';
import {
  type CompactionInputs,
  type LiveSnapshot,
  SEGMENT_GLOB,
  type SegmentStore,
} from './segment-store.js';

/** How long a replaced view stays queryable (longer than any request takes to start its query). */
const VIEW_RETIRE_MS = 5 * 60 * 1000;
/** Characters DuckDB's glob would interpret in a folder name. */
const GLOB_SPECIAL = /[*?[\]{}]/;

type Columns = readonly Pick<ColumnInfo, 'name' | 'type'>[];

function projection(columns: Columns): string {
  return columns.map((column) => quoteIdent(column.name)).join(', ');
}

function fileList(files: readonly string[]): string {
  return `[${files.map(sqlString).join(', ')}]`;
}

function jsonColumns(columns: Columns): string {
  return columns
    .map((column) => `${sqlString(column.name)}: ${sqlString(sqlTypeOf(column.type))}`)
    .join(', ');
}

/** `read_json` of segment files (a list or a glob) with the dataset's columns and types. */
export function segmentsReaderSql(
  files: string | readonly string[],
  columns: Columns,
  withFilename = false,
): string {
  const source = typeof files === 'string' ? sqlString(files) : fileList(files);
  return `read_json(${source}, format = 'newline_delimited', columns = {${jsonColumns(columns)}}${withFilename ? ', filename = true' : ''})`;
}

/** Whether segments of `dir` can be read with a glob (else the view lists them). */
export function canGlob(dir: string): boolean {
  return !GLOB_SPECIAL.test(dir);
}

/** The SELECT over base + parts + segments (globbed, or listed when the folder cannot be globbed). */
export function liveRelationSql(
  baseParquet: string,
  columns: Columns,
  snapshot: LiveSnapshot,
): string {
  const select = projection(columns);
  const parts = [`SELECT ${select} FROM read_parquet(${sqlString(baseParquet)})`];
  if (snapshot.parts.length > 0) {
    parts.push(
      `SELECT ${select} FROM read_parquet(${fileList(snapshot.parts.map((part) => part.file))})`,
    );
  }
  if (canGlob(snapshot.dir)) {
    const reader = segmentsReaderSql(path.join(snapshot.dir, SEGMENT_GLOB), columns, true);
    const skip =
      snapshot.covered.length === 0
        ? ''
        : ` WHERE filename NOT IN (${snapshot.covered.map(sqlString).join(', ')})`;
    parts.push(`SELECT ${select} FROM ${reader}${skip}`);
  } else if (snapshot.segments.length > 0) {
    parts.push(
      `SELECT ${select} FROM ${segmentsReaderSql(
        snapshot.segments.map((s) => s.file),
        columns,
      )}`,
    );
  }
  return parts.join(' UNION ALL ');
}

/** The compaction writer for SegmentStore.compact: parts and segments into one Parquet file. */
export function createPartWriter(db: DuckDb, columns: Columns) {
  return async (inputs: CompactionInputs, target: string): Promise<void> => {
    const select = projection(columns);
    const sources: string[] = [];
    if (inputs.parts.length > 0)
      sources.push(`SELECT ${select} FROM read_parquet(${fileList(inputs.parts)})`);
    if (inputs.segments.length > 0)
      sources.push(`SELECT ${select} FROM ${segmentsReaderSql(inputs.segments, columns)}`);
    await db.run(
      `COPY (${sources.join(' UNION ALL ')}) TO ${sqlString(target)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  };
}

export interface LiveCatalogOptions {
  readonly db: DuckDb;
  readonly store: SegmentStore;
  readonly cacheDir: string;
}

/** A catalog whose live datasets read their base Parquet plus the segment store. */
export interface LiveCatalog extends Catalog {
  /** Re-reads the segment store of `id` and points its entry at the new files. */
  refreshLive(id: string): Promise<void>;
  /** The live snapshot the entry of `id` serves, if it is live and ready. */
  liveSnapshot(id: string): LiveSnapshot | undefined;
}

const isLive = (entry: DatasetEntry): boolean => entry.settings?.live === true;

interface Served {
  readonly baseVersion: string;
  readonly baseRows: number;
  /** The version we set; the inner catalog resets it to the base's when it refreshes. */
  readonly version: string;
  /** Base file + structure: a change needs a new view. */
  readonly viewKey: string;
  readonly relation: string;
  readonly snapshot: LiveSnapshot;
}

/**
 * Wraps `inner`: after every load or refresh, each ready live entry reads base + parts +
 * segments, its rows include the appended ones and its version the store's version.
 */
export function createLiveCatalog(inner: Catalog, options: LiveCatalogOptions): LiveCatalog {
  let viewCounter = 0;
  const retired: { view: string; dropAt: number }[] = [];
  const served = new Map<string, Served>();
  const pending = new Map<string, Promise<void>>();

  async function retire(view: string): Promise<void> {
    // A request may have read the old name and not yet run its query: old views are dropped
    // only once no request can still be holding them.
    retired.push({ view, dropAt: Date.now() + VIEW_RETIRE_MS });
    while (retired.length > 0 && (retired[0]?.dropAt ?? Infinity) <= Date.now()) {
      const old = retired.shift();
      if (old !== undefined)
        await options.db.run(`DROP VIEW IF EXISTS ${quoteIdent(old.view)}`).catch(() => undefined);
    }
  }

  async function attach(entry: DatasetEntry): Promise<void> {
    const manifest = entry.manifest;
    if (!isLive(entry) || entry.state !== 'ready' || manifest === undefined) return;
    await options.store.ensure(entry.id);
    const previous = served.get(entry.id);
    const untouched = previous !== undefined && entry.version === previous.version;
    const baseVersion = untouched ? previous.baseVersion : entry.version;
    const baseRows = untouched ? previous.baseRows : manifest.rows;
    const snapshot = await options.store.snapshot(entry.id);
    const baseParquet = path.join(
      datasetCacheDir(options.cacheDir, entry.id),
      manifest.parquetFile,
    );
    const listed = canGlob(snapshot.dir) ? '' : snapshot.version;
    const viewKey = `${baseParquet}\u0000${snapshot.structure}\u0000${listed}`;
    let relation = previous?.relation;
    if (
      previous === undefined ||
      previous.viewKey !== viewKey ||
      entry.relation !== previous.relation
    ) {
      relation = `live_${process.pid}_${++viewCounter}`;
      await options.db.run(
        `CREATE OR REPLACE VIEW ${quoteIdent(relation)} AS ${liveRelationSql(baseParquet, manifest.columns, snapshot)}`,
      );
      if (previous !== undefined) await retire(previous.relation);
    }
    entry.relation = relation;
    entry.version = `${baseVersion}+${snapshot.version}`;
    entry.manifest = { ...manifest, rows: baseRows + snapshot.rows };
    if (
      snapshot.updatedAt !== undefined &&
      (entry.updatedAt === undefined || snapshot.updatedAt > entry.updatedAt)
    ) {
      entry.updatedAt = snapshot.updatedAt;
    }
    served.set(entry.id, {
      baseVersion,
      baseRows,
      version: entry.version,
      viewKey,
      relation: relation as string,
      snapshot,
    });
  }

  async function attachAll(): Promise<void> {
    await Promise.all(
      inner
        .list()
        .filter(isLive)
        .map((entry) => attach(entry)),
    );
  }

  const catalog: LiveCatalog = {
    ...inner,
    dataDir: inner.dataDir,
    async load() {
      await inner.load();
      served.clear();
      await attachAll();
    },
    async refresh(id) {
      await inner.refresh(id);
      if (id === undefined) await attachAll();
      else await catalog.refreshLive(id);
    },
    refreshLive(id) {
      // One refresh at a time per dataset; callers during one share the next one after it,
      // which sees every file written before they called.
      const running = pending.get(id);
      if (running !== undefined) return running.then(() => catalog.refreshLive(id));
      const run = attach(inner.get(id)).finally(() => {
        pending.delete(id);
      });
      pending.set(id, run);
      return run;
    },
    liveSnapshot(id) {
      return served.get(id)?.snapshot;
    },
  };
  return catalog;
}
