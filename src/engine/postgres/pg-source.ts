/**
 * The PostgreSQL source: the pool, the datasets it offers and whether it is up. Discovery runs
 * at start and after an outage; the last list is kept in the cache dir (pg-relation-list.ts).
 * A poll every few seconds doubles as the health probe and detects changes: table statistics
 * for every table, `max(<increasing column>)` for datasets that configure one (the new rows
 * are read and reported: pg-new-rows.ts), and LISTEN `dashport_changes` for tables whose
 * trigger NOTIFYs (pg-listener.ts; then the poll runs at once). Queries over its datasets are
 * pg-dataset-source.ts'; ingestion is pg-insert.ts'.
 */
import type pg from 'pg';
import { NotFoundError, UnavailableError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { CellValue } from '../../shared/api-types.js';
import type { DatasetSettings, SettingsFile } from '../dataset-settings.js';
import { type PgRelation, discoverPgRelations } from './pg-discovery.js';
import { createPgListener } from './pg-listener.js';
import { readNewRows } from './pg-new-rows.js';
import { createPgPool, isConnectionError, pgReason } from './pg-pool.js';
import { relationListFile, restoreRelationList, saveRelationList } from './pg-relation-list.js';

/** Defaults with their units. */
export const PG_SOURCE_DEFAULTS = {
  pollIntervalMs: 2_000,
  /** Views have no statistics to watch: their version turns over this often. */
  viewVersionMs: 30_000,
  /** New rows read per poll of an increasing column; more wait for the next poll. */
  newRowsPerPoll: 1_000,
  notifyChannel: 'dashport_changes',
} as const;

export interface PgDataset {
  readonly id: string;
  readonly relation: PgRelation;
  readonly settings: DatasetSettings | undefined;
  /** Changes whenever the data may have changed; part of cache keys and ETags. */
  readonly version: string;
  readonly updatedAt: Date | undefined;
  /** Rows according to the statistics (tables), null for views. */
  readonly estimatedRows: number | null;
}

export interface PgChange {
  readonly id: string;
  readonly version: string;
  /** Rows past the increasing column's last seen value, when one is configured. */
  readonly rows?: { readonly columns: string[]; readonly rows: CellValue[][] };
}

export interface PgHealth {
  readonly status: 'healthy' | 'unhealthy';
  readonly response_time_ms: number | null;
  readonly datasets: number;
  readonly error?: string;
}

export interface PgSourceOptions {
  readonly url: string;
  readonly schemas: readonly string[];
  readonly settings: SettingsFile;
  readonly cacheDir: string;
  readonly logger: Logger;
  readonly statementTimeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly poolMax?: number;
  readonly now?: () => number;
}

export interface PgSource {
  readonly pool: pg.Pool;
  /** Discover (or restore the last list when the database is down) and start polling. */
  start(): Promise<void>;
  list(): PgDataset[];
  has(id: string): boolean;
  /** The dataset, or 404 naming the known pg datasets. */
  get(id: string): PgDataset;
  /** The dataset if the database is up, else 503 with the reason. */
  ready(id: string): PgDataset;
  up(): boolean;
  /** The reason the database is down, if it is. */
  downReason(): string | undefined;
  /** Record that a query found the database unreachable (the next poll checks again). */
  markDown(error: unknown): void;
  /** This process changed `id` (an ingest): bump its version now instead of at the next poll. */
  touch(id: string): string;
  /** Run a poll now (tests, NOTIFY). */
  poll(): Promise<void>;
  health(): Promise<PgHealth>;
  onChange(listener: (change: PgChange) => void): () => void;
  close(): Promise<void>;
}

interface Tracked {
  relation: PgRelation;
  stats: string;
  local: number;
  increasingMax: string | null | undefined;
  updatedAt: Date | undefined;
  estimatedRows: number | null;
}

interface StatsRow {
  readonly schemaname: string;
  readonly relname: string;
  readonly counters: string;
  readonly live: number;
}

const STATS_SQL = `
SELECT schemaname, relname,
       n_tup_ins || '.' || n_tup_upd || '.' || n_tup_del || '.' || n_live_tup AS counters,
       n_live_tup AS live
FROM pg_stat_all_tables WHERE schemaname = ANY($1::text[])`;

/** Opens the pool; nothing is queried until `start()`. */
export function createPgSource(options: PgSourceOptions): PgSource {
  const now = options.now ?? Date.now;
  const pollIntervalMs = options.pollIntervalMs ?? PG_SOURCE_DEFAULTS.pollIntervalMs;
  const pool = createPgPool({
    url: options.url,
    ...(options.statementTimeoutMs === undefined
      ? {}
      : { statementTimeoutMs: options.statementTimeoutMs }),
    ...(options.poolMax === undefined ? {} : { max: options.poolMax }),
  });
  const listFile = relationListFile(options.cacheDir);
  const tracked = new Map<string, Tracked>();
  const listeners = new Set<(change: PgChange) => void>();
  let down: string | undefined = 'not connected yet';
  let discovered = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  const listener = createPgListener({
    url: options.url,
    channel: PG_SOURCE_DEFAULTS.notifyChannel,
    onNotify: () => void source.poll(),
  });

  const settingsOf = (id: string): DatasetSettings | undefined => options.settings[id];
  const versionOf = (entry: Tracked): string => {
    const base =
      entry.relation.kind === 'table'
        ? entry.stats
        : `v${Math.floor(now() / PG_SOURCE_DEFAULTS.viewVersionMs)}`;
    return `pg-${base}-${entry.increasingMax ?? ''}-${entry.local}`;
  };
  const datasetOf = (entry: Tracked): PgDataset => ({
    id: entry.relation.id,
    relation: entry.relation,
    settings: settingsOf(entry.relation.id),
    version: versionOf(entry),
    updatedAt: entry.updatedAt,
    estimatedRows: entry.estimatedRows,
  });
  const emit = (change: PgChange): void => {
    for (const listener of listeners) listener(change);
  };

  const adopt = (relations: readonly PgRelation[]): void => {
    const seen = new Set<string>();
    for (const relation of relations) {
      seen.add(relation.id);
      const existing = tracked.get(relation.id);
      if (existing) existing.relation = relation;
      else {
        tracked.set(relation.id, {
          relation,
          stats: '',
          local: 0,
          increasingMax: undefined,
          updatedAt: undefined,
          estimatedRows:
            relation.kind === 'table' && relation.estimatedRows >= 0
              ? relation.estimatedRows
              : null,
        });
      }
    }
    for (const id of [...tracked.keys()]) if (!seen.has(id)) tracked.delete(id);
  };

  async function discover(): Promise<void> {
    const relations = await discoverPgRelations(pool, options.schemas);
    adopt(relations);
    discovered = true;
    await saveRelationList(listFile, relations, options.logger);
  }

  async function readIncreasing(entry: Tracked, column: string): Promise<void> {
    const read = await readNewRows(
      pool,
      entry.relation,
      column,
      entry.increasingMax,
      PG_SOURCE_DEFAULTS.newRowsPerPoll,
    );
    if (read === undefined) return;
    entry.increasingMax = read.next;
    if (read.rows === undefined) return;
    entry.updatedAt = new Date(now());
    emit({ id: entry.relation.id, version: versionOf(entry), rows: read.rows });
  }

  async function pollOnce(): Promise<void> {
    try {
      if (!discovered) await discover();
      const stats = await pool.query<StatsRow>(STATS_SQL, [[...options.schemas]]);
      const bySchemaTable = new Map(
        stats.rows.map((row) => [`${row.schemaname}\u0000${row.relname}`, row]),
      );
      const wasDown = down !== undefined;
      down = undefined;
      if (wasDown) options.logger.info('PostgreSQL is reachable: pg datasets are served');
      for (const entry of tracked.values()) {
        const first = entry.stats === '';
        const before = versionOf(entry);
        const row = bySchemaTable.get(`${entry.relation.schema}\u0000${entry.relation.table}`);
        if (row !== undefined) {
          if (entry.stats !== '' && entry.stats !== row.counters) entry.updatedAt = new Date(now());
          entry.stats = row.counters;
          entry.estimatedRows = Number(row.live);
        }
        const increasing = settingsOf(entry.relation.id)?.increasing_column;
        if (increasing !== undefined) await readIncreasing(entry, increasing);
        const after = versionOf(entry);
        // Views change version on a timer, which is not news worth telling clients about.
        if (
          !first &&
          entry.relation.kind === 'table' &&
          before !== after &&
          increasing === undefined
        ) {
          emit({ id: entry.relation.id, version: after });
        }
      }
    } catch (error) {
      if (isConnectionError(error)) source.markDown(error);
      else options.logger.warn({ err: pgReason(error) }, 'PostgreSQL poll failed');
    }
  }

  const source: PgSource = {
    pool,
    async start() {
      adopt(await restoreRelationList(listFile));
      await pollOnce();
      await listener.ensure();
      timer = setInterval(() => {
        void source.poll().then(() => (down === undefined ? listener.ensure() : undefined));
      }, pollIntervalMs);
      timer.unref();
    },
    list() {
      return [...tracked.values()].map(datasetOf).sort((a, b) => a.id.localeCompare(b.id));
    },
    has(id) {
      return tracked.has(id);
    },
    get(id) {
      const entry = tracked.get(id);
      if (entry === undefined) {
        throw new NotFoundError(
          'DASHPORT_ERR_DATASET_NOT_FOUND',
          `unknown dataset "${id}"; PostgreSQL datasets are: ${[...tracked.keys()].sort().join(', ') || '(none)'}`,
        );
      }
      return datasetOf(entry);
    },
    ready(id) {
      const dataset = source.get(id);
      if (down !== undefined) {
        throw new UnavailableError(
          'DASHPORT_ERR_SOURCE_UNAVAILABLE',
          `dataset "${id}" is unavailable: PostgreSQL cannot be reached (${down})`,
          10,
        );
      }
      return dataset;
    },
    up: () => down === undefined,
    downReason: () => down,
    markDown(error) {
      const reason = pgReason(error);
      if (down === undefined)
        options.logger.error({ err: reason }, 'PostgreSQL is unreachable: pg datasets answer 503');
      down = reason;
    },
    touch(id) {
      const entry = tracked.get(id);
      if (entry === undefined) return '';
      entry.local += 1;
      entry.updatedAt = new Date(now());
      return versionOf(entry);
    },
    poll() {
      if (polling === undefined) {
        polling = pollOnce().finally(() => {
          polling = undefined;
        });
      }
      return polling;
    },
    async health() {
      const started = performance.now();
      try {
        await pool.query('SELECT 1');
        return {
          status: 'healthy',
          response_time_ms: Math.round((performance.now() - started) * 100) / 100,
          datasets: tracked.size,
        };
      } catch (error) {
        if (isConnectionError(error)) source.markDown(error);
        return {
          status: 'unhealthy',
          response_time_ms: null,
          datasets: tracked.size,
          error: pgReason(error),
        };
      }
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      if (timer !== undefined) clearInterval(timer);
      await polling?.catch(() => undefined);
      await listener.close();
      await pool.end().catch(() => undefined);
    },
  };
  return source;
}
