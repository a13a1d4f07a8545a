/**
 * Live data in one place: ingestion (validate, then one segment or one INSERT transaction),
 * the events it and the change detectors produce, and their way to SSE clients.
 *
 * - A POSTed batch is announced on the bus (this process at once, other workers and replicas
 *   through Redis) as a `rows` event whose id is the batch's segment name.
 * - Other workers on this host also see new segments appear in the cache dir (fs.watch), so
 *   events and data reach them without Redis; duplicates are dropped by event id.
 * - PostgreSQL tables polled by an increasing column (or NOTIFYing) give `rows` events here.
 * - Source files changed on disk are rebuilt (once, under the cache lock) and announced as a
 *   `version` event; clients reload what they show.
 * - Segments are compacted into Parquet parts in the background, by one process at a time.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DashportError } from '../errors.js';
import type { DuckDb } from '../engine/duckdb.js';
import type { PgQueries } from '../engine/postgres/pg-queries.js';
import type { PgChange, PgSource } from '../engine/postgres/pg-source.js';
import type { BoundValue } from '../engine/sql/query-types.js';
import type { Logger } from '../logger.js';
import type { CellValue, ColumnType } from '../shared/api-types.js';
import type { LiveBus } from './event-bus.js';
import { type LiveCatalog, createPartWriter } from './live-view.js';
import { type BatchFormat, parseBatch } from './parse-batch.js';
import type { SegmentFile, SegmentStore } from './segment-store.js';
import type { LiveEvent, SseHub } from './sse-hub.js';
import { validateBatch } from './validate-batch.js';

/** Defaults with their units. */
export const LIVE_DEFAULTS = {
  compactIntervalMs: 5_000,
  /** Source files are checked this often for changes (fs.watch makes it sooner when it can). */
  sourcePollMs: 2_000,
  /** Burst of file events folded into one refresh. */
  watchDebounceMs: 25,
  /**
   * Rows carried by one `rows` event. A bigger batch sends its first rows, its `count` and
   * `truncated: true`: hundreds of clients × thousands of rows a second would otherwise be
   * gigabytes of event stream, and clients reload what they show anyway.
   */
  eventMaxRows: 20,
} as const;

export interface LiveServiceOptions {
  readonly catalog: LiveCatalog;
  readonly store: SegmentStore;
  readonly hub: SseHub;
  readonly bus: LiveBus;
  readonly db: DuckDb;
  readonly logger: Logger;
  readonly pg?: { readonly source: PgSource; readonly queries: PgQueries } | undefined;
  /**
   * Rebuilds the cache entries of changed file datasets (the cache builder with `only`);
   * absent: source files are not watched.
   */
  readonly rebuild?: (ids: readonly string[]) => Promise<void>;
  readonly compactIntervalMs?: number;
  readonly sourcePollMs?: number;
}

export interface IngestResult {
  readonly inserted: number;
  /** The event id of the batch. */
  readonly id: string;
  readonly version: string;
}

export interface LiveService {
  start(): Promise<void>;
  /** Validates and writes one batch, whole or not at all, and announces it. */
  ingest(id: string, format: BatchFormat, body: unknown): Promise<IngestResult>;
  /** The version of a file or pg dataset (for resume gaps and `version` events). */
  versionOf(id: string): string | undefined;
  /** Tells every client of `id` that its data changed (after a rebuild). */
  announceVersion(id: string): void;
  /** Compacts the waiting segments of `id` now (false when another process is compacting). */
  compact(id: string): Promise<boolean>;
  close(): Promise<void>;
}

let eventSequence = 0;
function eventId(prefix: string): string {
  eventSequence = (eventSequence + 1) % 1_000_000;
  return `${prefix}-${String(Date.now()).padStart(13, '0')}-${String(eventSequence).padStart(6, '0')}-${process.pid}`;
}

/** The data of a `rows` event: the batch's first rows (as JSON cells) and how many it had. */
function rowsEventData(
  dataset: string,
  version: string,
  columns: readonly string[],
  types: readonly ColumnType[],
  rows: readonly (readonly BoundValue[])[],
): Record<string, unknown> {
  const shown =
    rows.length > LIVE_DEFAULTS.eventMaxRows ? rows.slice(0, LIVE_DEFAULTS.eventMaxRows) : rows;
  return {
    dataset,
    version,
    columns,
    rows: jsonRows(types, shown),
    count: rows.length,
    ...(shown.length < rows.length ? { truncated: true } : {}),
  };
}

/** JSON cells of typed rows: timestamps as the rows API writes them, 64-bit integers as text. */
function jsonRows(
  types: readonly ColumnType[],
  rows: readonly (readonly BoundValue[])[],
): CellValue[][] {
  return rows.map((row) =>
    row.map((value, i) => {
      if (typeof value === 'bigint') return value.toString();
      if (types[i] === 'timestamp' && typeof value === 'string') {
        const date = new Date(value);
        return Number.isNaN(date.getTime()) ? value : date.toISOString();
      }
      return value;
    }),
  );
}

function notLive(id: string): DashportError {
  return new DashportError(
    'DASHPORT_ERR_WRITES_DISABLED',
    `dataset "${id}" does not accept rows; set "live: true" for it under datasets in dashport.yaml`,
  );
}

/** The live service over the given catalog, store, hub and bus. */
export function createLiveService(options: LiveServiceOptions): LiveService {
  const { catalog, store, hub, bus, logger, pg } = options;
  const knownSegments = new Map<string, Set<string>>();
  const watchers: FSWatcher[] = [];
  const timers: NodeJS.Timeout[] = [];
  const debounces = new Map<string, NodeJS.Timeout>();
  const sourceStates = new Map<string, string>();
  const rebuilding = new Set<string>();
  let compacting = false;
  let closed = false;
  const unsubscribe: (() => void)[] = [];

  const liveFileIds = (): string[] =>
    catalog
      .list()
      .filter((entry) => entry.settings?.live === true)
      .map((entry) => entry.id);

  const rememberSegments = (id: string, segments: readonly SegmentFile[]): Set<string> => {
    const known = knownSegments.get(id) ?? new Set<string>();
    for (const segment of segments) known.add(segment.name);
    knownSegments.set(id, known);
    return known;
  };

  /** After the files of `id` changed: serve them, and announce batches we have not seen. */
  async function onSegmentsChanged(id: string): Promise<void> {
    await catalog.refreshLive(id);
    const snapshot = catalog.liveSnapshot(id);
    const entry = catalog.get(id);
    if (snapshot === undefined || entry.manifest === undefined) return;
    const known = knownSegments.get(id) ?? new Set<string>();
    const fresh = snapshot.segments.filter((segment) => !known.has(segment.name));
    rememberSegments(id, snapshot.segments);
    const columns = entry.manifest.columns.map((column) => column.name);
    const types = entry.manifest.columns.map((column) => column.type);
    for (const segment of fresh) {
      // Usually the bus has brought this batch already; reading the file again would be waste.
      if (hub.has(segment.name.replace(/\.ndjson$/, ''))) continue;
      const rows = await store.readSegment(segment, columns).catch(() => undefined);
      if (rows === undefined) continue;
      hub.deliver({
        id: segment.name.replace(/\.ndjson$/, ''),
        dataset: id,
        type: 'rows',
        data: rowsEventData(id, entry.version, columns, types, rows),
      });
    }
  }

  async function watchSegments(id: string): Promise<void> {
    const dir = store.dir(id);
    await store.ensure(id);
    await store.sweep(id);
    const initial = await store.snapshot(id);
    rememberSegments(id, initial.segments);
    try {
      const watcher = watch(dir, () => {
        const pending = debounces.get(id);
        if (pending !== undefined) return;
        debounces.set(
          id,
          setTimeout(() => {
            debounces.delete(id);
            if (!closed) {
              onSegmentsChanged(id).catch((error: unknown) =>
                logger.warn({ err: error, dataset: id }, 'live dataset refresh failed'),
              );
            }
          }, LIVE_DEFAULTS.watchDebounceMs),
        );
      });
      watcher.on('error', () => undefined);
      watchers.push(watcher);
    } catch (error) {
      logger.warn(
        { err: error, dataset: id },
        'cannot watch the live segment folder; events arrive through Redis only',
      );
    }
  }

  async function compactOne(id: string): Promise<boolean> {
    const entry = catalog.get(id);
    if (entry.manifest === undefined) return false;
    const done = await store.compact(id, createPartWriter(options.db, entry.manifest.columns));
    if (done) await catalog.refreshLive(id);
    return done;
  }

  async function compactAll(): Promise<void> {
    if (compacting) return;
    compacting = true;
    try {
      for (const id of liveFileIds()) {
        const snapshot = catalog.liveSnapshot(id);
        if (snapshot !== undefined && store.shouldCompact(snapshot)) await compactOne(id);
      }
    } catch (error) {
      logger.warn({ err: error }, 'live segment compaction failed; it is retried');
    } finally {
      compacting = false;
    }
  }

  async function checkSources(): Promise<void> {
    if (options.rebuild === undefined) return;
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
    if (changed.length === 0) return;
    for (const id of changed) rebuilding.add(id);
    try {
      await options.rebuild(changed);
      for (const id of changed) {
        await catalog.refresh(id);
        service.announceVersion(id);
      }
    } catch (error) {
      logger.error(
        { err: error, datasets: changed },
        'rebuilding changed datasets failed; the last good data stays served',
      );
    } finally {
      for (const id of changed) rebuilding.delete(id);
    }
  }

  function onPgChange(change: PgChange): void {
    if (change.rows !== undefined) {
      hub.deliver({
        id: eventId('pg'),
        dataset: change.id,
        type: 'rows',
        data: rowsEventData(
          change.id,
          change.version,
          change.rows.columns,
          change.rows.columns.map(() => 'string'),
          change.rows.rows,
        ),
      });
      return;
    }
    hub.deliver({
      id: `v-${change.id}-${change.version}`,
      dataset: change.id,
      type: 'version',
      data: { dataset: change.id, version: change.version },
    });
  }

  function onBusEvent(event: LiveEvent, origin: 'local' | 'remote'): void {
    hub.deliver(event);
    if (origin === 'local') return;
    if (pg?.source.has(event.dataset)) {
      pg.source.touch(event.dataset);
      return;
    }
    // A replica sharing the cache dir wrote a batch, or rebuilt a dataset.
    const entry = (() => {
      try {
        return catalog.get(event.dataset);
      } catch {
        return undefined;
      }
    })();
    if (entry === undefined) return;
    const refresh =
      event.type === 'version'
        ? catalog.refresh(event.dataset)
        : catalog.refreshLive(event.dataset);
    refresh.catch((error: unknown) =>
      logger.warn({ err: error, dataset: event.dataset }, 'live dataset refresh failed'),
    );
  }

  async function ingestFile(id: string, format: BatchFormat, body: unknown): Promise<IngestResult> {
    const entry = catalog.ready(id);
    if (entry.settings?.live !== true) throw notLive(id);
    const schema = entry.manifest.columns.map((column) => ({
      name: column.name,
      type: column.type,
    }));
    const batch = validateBatch(parseBatch(format, body), schema);
    const segment = await store.append(id, batch.columns, batch.rows);
    rememberSegments(id, [segment]);
    await catalog.refreshLive(id);
    const version = catalog.get(id).version;
    const types = schema.map((column) => column.type);
    const eventIdOfBatch = segment.name.replace(/\.ndjson$/, '');
    bus.publish({
      id: eventIdOfBatch,
      dataset: id,
      type: 'rows',
      data: rowsEventData(id, version, batch.columns, types, batch.rows),
    });
    return { inserted: batch.rows.length, id: eventIdOfBatch, version };
  }

  async function ingestPg(
    source: PgSource,
    queries: PgQueries,
    id: string,
    format: BatchFormat,
    body: unknown,
  ) {
    const dataset = source.ready(id);
    if (dataset.settings?.live !== true) throw notLive(id);
    const schema = dataset.relation.columns.map((column) => ({
      name: column.name,
      type: column.type,
      required: column.notNull && !column.hasDefault,
    }));
    const batch = validateBatch(parseBatch(format, body), schema, { onlyGivenColumns: true });
    const inserted = await queries.insert(id, batch.columns, batch.rows);
    const version = source.get(id).version;
    const types = batch.columns.map(
      (name) => schema.find((column) => column.name === name)?.type ?? 'string',
    );
    const idOfBatch = eventId('pg');
    bus.publish({
      id: idOfBatch,
      dataset: id,
      type: 'rows',
      data: rowsEventData(id, version, batch.columns, types, batch.rows),
    });
    return { inserted, id: idOfBatch, version };
  }

  const service: LiveService = {
    async start() {
      unsubscribe.push(bus.onEvent(onBusEvent));
      if (pg !== undefined) unsubscribe.push(pg.source.onChange(onPgChange));
      await Promise.all(liveFileIds().map((id) => watchSegments(id)));
      const compactTimer = setInterval(
        () => void compactAll(),
        options.compactIntervalMs ?? LIVE_DEFAULTS.compactIntervalMs,
      );
      compactTimer.unref();
      timers.push(compactTimer);
      if (options.rebuild !== undefined) {
        const sourceTimer = setInterval(
          () => void checkSources(),
          options.sourcePollMs ?? LIVE_DEFAULTS.sourcePollMs,
        );
        sourceTimer.unref();
        timers.push(sourceTimer);
      }
    },
    ingest(id, format, body) {
      if (pg !== undefined && pg.source.has(id))
        return ingestPg(pg.source, pg.queries, id, format, body);
      return ingestFile(id, format, body);
    },
    versionOf(id) {
      if (pg?.source.has(id)) return pg.source.get(id).version;
      try {
        return catalog.get(id).version;
      } catch {
        return undefined;
      }
    },
    announceVersion(id) {
      const version = service.versionOf(id);
      if (version === undefined) return;
      // The same id in every process that announces this version: clients get it once.
      bus.publish({
        id: `v-${id}-${version}`,
        dataset: id,
        type: 'version',
        data: { dataset: id, version },
      });
    },
    compact: (id) => compactOne(id),
    async close() {
      closed = true;
      for (const stop of unsubscribe) stop();
      for (const timer of timers) clearInterval(timer);
      for (const timer of debounces.values()) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
  return service;
}
