/**
 * Segments other processes on this host write, seen without Redis: the segment folder of
 * every live file dataset is watched (fs.watch), a burst of changes is folded into one refresh
 * of the dataset's view, and batches nobody announced here yet become `rows` events.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../logger.js';
import type { LiveCatalog } from './live-view.js';
import { rowsEventData } from './rows-event.js';
import type { SegmentFile, SegmentStore } from './segment-store.js';
import type { SseHub } from './sse-hub.js';

export interface SegmentWatcherOptions {
  readonly catalog: LiveCatalog;
  readonly store: SegmentStore;
  readonly hub: SseHub;
  readonly logger: Logger;
  /** A burst of file events within this many ms is one refresh. */
  readonly debounceMs: number;
}

export interface SegmentWatcher {
  /** Starts watching the segment folder of `id` (its current segments count as seen). */
  watch(id: string): Promise<void>;
  /** Marks segments as announced, so the watcher does not announce them again. */
  remember(id: string, segments: readonly SegmentFile[]): void;
  close(): void;
}

/** The event id of a segment's batch: its file name without the extension. */
export function segmentEventId(segment: Pick<SegmentFile, 'name'>): string {
  return segment.name.replace(/\.ndjson$/, '');
}

export function createSegmentWatcher(options: SegmentWatcherOptions): SegmentWatcher {
  const { catalog, store, hub, logger } = options;
  const knownSegments = new Map<string, Set<string>>();
  const watchers: FSWatcher[] = [];
  const debounces = new Map<string, NodeJS.Timeout>();
  let closed = false;

  const remember = (id: string, segments: readonly SegmentFile[]): void => {
    const known = knownSegments.get(id) ?? new Set<string>();
    for (const segment of segments) known.add(segment.name);
    knownSegments.set(id, known);
  };

  /** After the files of `id` changed: serve them, and announce batches we have not seen. */
  async function onSegmentsChanged(id: string): Promise<void> {
    await catalog.refreshLive(id);
    const snapshot = catalog.liveSnapshot(id);
    const entry = catalog.get(id);
    if (snapshot === undefined || entry.manifest === undefined) return;
    const known = knownSegments.get(id) ?? new Set<string>();
    const fresh = snapshot.segments.filter((segment) => !known.has(segment.name));
    remember(id, snapshot.segments);
    const columns = entry.manifest.columns.map((column) => column.name);
    const types = entry.manifest.columns.map((column) => column.type);
    for (const segment of fresh) {
      // Usually the bus has brought this batch already; reading the file again would be waste.
      if (hub.has(segmentEventId(segment))) continue;
      const rows = await store.readSegment(segment, columns).catch(() => undefined);
      if (rows === undefined) continue;
      hub.deliver({
        id: segmentEventId(segment),
        dataset: id,
        type: 'rows',
        data: rowsEventData(id, entry.version, columns, types, rows),
      });
    }
  }

  return {
    async watch(id) {
      const dir = store.dir(id);
      await store.ensure(id);
      await store.sweep(id);
      const initial = await store.snapshot(id);
      remember(id, initial.segments);
      try {
        const watcher = watch(dir, () => {
          if (debounces.has(id)) return;
          debounces.set(
            id,
            setTimeout(() => {
              debounces.delete(id);
              if (!closed) {
                onSegmentsChanged(id).catch((error: unknown) =>
                  logger.warn({ err: error, dataset: id }, 'live dataset refresh failed'),
                );
              }
            }, options.debounceMs),
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
    },
    remember,
    close() {
      closed = true;
      for (const timer of debounces.values()) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
