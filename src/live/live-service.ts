/**
 * Live data in one place: ingestion, the events it and the change detectors produce, and
 * their way to SSE clients.
 *
 * - A POSTed batch (ingest-batch.ts) is announced on the bus (this process at once, other
 *   workers and replicas through Redis) as a `rows` event whose id is the batch's segment name.
 * - Other workers on this host also see new segments appear in the cache dir
 *   (segment-watcher.ts), so events and data reach them without Redis; duplicates are dropped
 *   by event id.
 * - PostgreSQL tables polled by an increasing column (or NOTIFYing) give `rows` events here.
 * - Source files changed on disk are rebuilt and announced as a `version` event
 *   (source-watcher.ts); clients reload what they show.
 * - Segments are compacted into Parquet parts in the background, by one process at a time.
 */
import type { DuckDb } from '../engine/duckdb.js';
import type { PgChange, PgSource } from '../engine/postgres/pg-source.js';
import type { SourceCatalog } from '../engine/sources/source-catalog.js';
import type { Logger } from '../logger.js';
import type { LiveBus } from './event-bus.js';
import { type IngestResult, createIngestBatch } from './ingest-batch.js';
import { type LiveCatalog, createPartWriter } from './live-view.js';
import type { BatchFormat } from './parse-batch.js';
import { eventId, rowsEventData } from './rows-event.js';
import { createSegmentWatcher } from './segment-watcher.js';
import type { SegmentStore } from './segment-store.js';
import { createSourceWatcher } from './source-watcher.js';
import type { LiveEvent, SseHub } from './sse-hub.js';

export type { IngestResult };

/** Defaults with their units. */
export const LIVE_DEFAULTS = {
  compactIntervalMs: 5_000,
  /** Source files are checked this often for changes (fs.watch makes it sooner when it can). */
  sourcePollMs: 2_000,
  /** Burst of file events folded into one refresh. */
  watchDebounceMs: 25,
} as const;

export interface LiveServiceOptions {
  readonly catalog: LiveCatalog;
  /** Every dataset by id, for versions. */
  readonly sources: SourceCatalog;
  readonly store: SegmentStore;
  readonly hub: SseHub;
  readonly bus: LiveBus;
  readonly db: DuckDb;
  readonly logger: Logger;
  readonly pg?: { readonly source: PgSource } | undefined;
  /**
   * Rebuilds the cache entries of changed file datasets (the cache builder with `only`);
   * absent: source files are not watched.
   */
  readonly rebuild?: (ids: readonly string[]) => Promise<void>;
  readonly compactIntervalMs?: number;
  readonly sourcePollMs?: number;
}

export interface LiveService {
  start(): Promise<void>;
  /** Validates and writes one batch, whole or not at all, and announces it. */
  ingest(id: string, format: BatchFormat, body: unknown): Promise<IngestResult>;
  /** The version of any dataset (for resume gaps and `version` events). */
  versionOf(id: string): string | undefined;
  /** Tells every client of `id` that its data changed (after a rebuild). */
  announceVersion(id: string): void;
  /** Compacts the waiting segments of `id` now (false when another process is compacting). */
  compact(id: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The live service over the given catalog, store, hub and bus. */
export function createLiveService(options: LiveServiceOptions): LiveService {
  const { catalog, store, hub, bus, logger } = options;
  const pgSource = options.pg?.source;
  const timers: NodeJS.Timeout[] = [];
  let compacting = false;
  const unsubscribe: (() => void)[] = [];

  const segments = createSegmentWatcher({
    catalog,
    store,
    hub,
    logger,
    debounceMs: LIVE_DEFAULTS.watchDebounceMs,
  });
  const ingest = createIngestBatch({
    catalog,
    store,
    bus,
    pg: pgSource,
    onSegment: (id, segment) => segments.remember(id, [segment]),
  });
  const rebuild = options.rebuild;
  const sourceWatcher =
    rebuild === undefined
      ? undefined
      : createSourceWatcher({
          catalog,
          rebuild,
          announce: (id) => service.announceVersion(id),
          logger,
        });

  const liveFileIds = (): string[] =>
    catalog
      .list()
      .filter((entry) => entry.settings?.live === true)
      .map((entry) => entry.id);

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
    if (pgSource?.has(event.dataset)) {
      pgSource.touch(event.dataset);
      return;
    }
    // A replica sharing the cache dir wrote a batch, or rebuilt a dataset.
    if (!catalog.has(event.dataset)) return;
    const refresh =
      event.type === 'version'
        ? catalog.refresh(event.dataset)
        : catalog.refreshLive(event.dataset);
    refresh.catch((error: unknown) =>
      logger.warn({ err: error, dataset: event.dataset }, 'live dataset refresh failed'),
    );
  }

  const service: LiveService = {
    async start() {
      unsubscribe.push(bus.onEvent(onBusEvent));
      if (pgSource !== undefined) unsubscribe.push(pgSource.onChange(onPgChange));
      await Promise.all(liveFileIds().map((id) => segments.watch(id)));
      const compactTimer = setInterval(
        () => void compactAll(),
        options.compactIntervalMs ?? LIVE_DEFAULTS.compactIntervalMs,
      );
      compactTimer.unref();
      timers.push(compactTimer);
      if (sourceWatcher !== undefined) {
        const sourceTimer = setInterval(
          () => void sourceWatcher.check(),
          options.sourcePollMs ?? LIVE_DEFAULTS.sourcePollMs,
        );
        sourceTimer.unref();
        timers.push(sourceTimer);
      }
    },
    ingest,
    versionOf(id) {
      try {
        return options.sources.versionOf(id);
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
      for (const stop of unsubscribe) stop();
      for (const timer of timers) clearInterval(timer);
      segments.close();
    },
  };
  return service;
}
