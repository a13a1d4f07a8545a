/**
 * Ingestion of one batch into a live dataset, whole or not at all: parsed and validated
 * against the dataset's schema, then written — a file dataset as one atomic segment (visible
 * to this process's queries at once), a PostgreSQL table in one INSERT transaction — and
 * announced on the bus as a `rows` event.
 */
import { DashportError } from '../errors.js';
import { insertPgRows } from '../engine/postgres/pg-insert.js';
import type { PgSource } from '../engine/postgres/pg-source.js';
import type { LiveBus } from './event-bus.js';
import type { LiveCatalog } from './live-view.js';
import { type BatchFormat, parseBatch } from './parse-batch.js';
import { eventId, rowsEventData } from './rows-event.js';
import { segmentEventId } from './segment-watcher.js';
import type { SegmentFile, SegmentStore } from './segment-store.js';
import { validateBatch } from './validate-batch.js';

export interface IngestResult {
  readonly inserted: number;
  /** The event id of the batch. */
  readonly id: string;
  readonly version: string;
}

export interface IngestBatchOptions {
  readonly catalog: LiveCatalog;
  readonly store: SegmentStore;
  readonly bus: LiveBus;
  readonly pg?: PgSource | undefined;
  /** Told about each segment written, so it is not announced twice. */
  readonly onSegment?: (id: string, segment: SegmentFile) => void;
}

export type IngestBatch = (id: string, format: BatchFormat, body: unknown) => Promise<IngestResult>;

function notLive(id: string): DashportError {
  return new DashportError(
    'DASHPORT_ERR_WRITES_DISABLED',
    `dataset "${id}" does not accept rows; set "live: true" for it under datasets in dashport.yaml`,
  );
}

export function createIngestBatch(options: IngestBatchOptions): IngestBatch {
  const { catalog, store, bus, pg } = options;

  async function ingestFile(id: string, format: BatchFormat, body: unknown): Promise<IngestResult> {
    const entry = catalog.ready(id);
    if (entry.settings?.live !== true) throw notLive(id);
    const schema = entry.manifest.columns.map((column) => ({
      name: column.name,
      type: column.type,
    }));
    const batch = validateBatch(parseBatch(format, body), schema);
    const segment = await store.append(id, batch.columns, batch.rows);
    options.onSegment?.(id, segment);
    await catalog.refreshLive(id);
    const version = catalog.get(id).version;
    const types = schema.map((column) => column.type);
    const batchId = segmentEventId(segment);
    bus.publish({
      id: batchId,
      dataset: id,
      type: 'rows',
      data: rowsEventData(id, version, batch.columns, types, batch.rows),
    });
    return { inserted: batch.rows.length, id: batchId, version };
  }

  async function ingestPg(
    source: PgSource,
    id: string,
    format: BatchFormat,
    body: unknown,
  ): Promise<IngestResult> {
    const dataset = source.ready(id);
    if (dataset.settings?.live !== true) throw notLive(id);
    const schema = dataset.relation.columns.map((column) => ({
      name: column.name,
      type: column.type,
      required: column.notNull && !column.hasDefault,
    }));
    const batch = validateBatch(parseBatch(format, body), schema, { onlyGivenColumns: true });
    const inserted = await insertPgRows(source, id, batch.columns, batch.rows);
    const version = source.get(id).version;
    const types = batch.columns.map(
      (name) => schema.find((column) => column.name === name)?.type ?? 'string',
    );
    const batchId = eventId('pg');
    bus.publish({
      id: batchId,
      dataset: id,
      type: 'rows',
      data: rowsEventData(id, version, batch.columns, types, batch.rows),
    });
    return { inserted, id: batchId, version };
  }

  return (id, format, body) =>
    pg !== undefined && pg.has(id) ? ingestPg(pg, id, format, body) : ingestFile(id, format, body);
}
