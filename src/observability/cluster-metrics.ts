/**
 * One scrape sees the whole server: a worker answering /metrics asks the supervisor, which
 * asks every worker for a snapshot over the cluster IPC channel, adds its own (restarts,
 * builds, memory) and renders the aggregate. A worker that does not answer in time (its loop
 * is blocked — the supervisor is about to replace it) is left out rather than failing the scrape.
 */
import {
  type MetricsFormat,
  type MetricsSnapshot,
  type RenderedMetrics,
  renderMetrics,
  snapshotMetrics,
} from './metrics-render.js';
import type { DashportMetrics } from './metrics.js';

/** How long the supervisor waits for each worker's snapshot. */
export const WORKER_SNAPSHOT_TIMEOUT_MS = 2_000;
/** How long a worker waits for the supervisor's aggregate before answering with its own. */
export const SCRAPE_TIMEOUT_MS = 5_000;

export interface SnapshotRequest {
  readonly type: 'dashport:metrics:snapshot-request';
  readonly requestId: number;
}
export interface SnapshotResponse {
  readonly type: 'dashport:metrics:snapshot';
  readonly requestId: number;
  readonly snapshot: MetricsSnapshot;
}
export interface ScrapeRequest {
  readonly type: 'dashport:metrics:scrape';
  readonly requestId: number;
  readonly format: MetricsFormat;
}
export interface ScrapeResult {
  readonly type: 'dashport:metrics:scrape-result';
  readonly requestId: number;
  readonly rendered?: RenderedMetrics;
  readonly error?: string;
}

function hasType<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return (
    typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type
  );
}

/** Renders /metrics for the process (or the whole server) it belongs to. */
export interface MetricsCollector {
  collect(format: MetricsFormat): Promise<RenderedMetrics>;
}

/** One process, no cluster: `dashport dev` and tests that build the app alone. */
export function createLocalMetricsCollector(metrics: DashportMetrics): MetricsCollector {
  return { collect: async (format) => renderMetrics([await snapshotMetrics(metrics)], format) };
}

/** Something that takes IPC messages: `process` in a worker, a `cluster.Worker` in the primary. */
export interface MessageTarget {
  send(message: unknown): unknown;
}

export interface WorkerMetricsChannel extends MetricsCollector {
  /** Feed every message from the supervisor here; true when it was a metrics message. */
  handleMessage(message: unknown): boolean;
}

export function createWorkerMetricsChannel(options: {
  readonly metrics: DashportMetrics;
  readonly primary: MessageTarget;
  readonly timeoutMs?: number;
}): WorkerMetricsChannel {
  const pending = new Map<number, (result: ScrapeResult | undefined) => void>();
  let nextId = 1;
  const local = createLocalMetricsCollector(options.metrics);

  return {
    handleMessage(message) {
      if (hasType<SnapshotRequest>(message, 'dashport:metrics:snapshot-request')) {
        void snapshotMetrics(options.metrics).then((snapshot) => {
          const response: SnapshotResponse = {
            type: 'dashport:metrics:snapshot',
            requestId: message.requestId,
            snapshot,
          };
          options.primary.send(response);
        });
        return true;
      }
      if (hasType<ScrapeResult>(message, 'dashport:metrics:scrape-result')) {
        pending.get(message.requestId)?.(message);
        return true;
      }
      return false;
    },
    async collect(format) {
      const requestId = nextId++;
      const result = await new Promise<ScrapeResult | undefined>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(requestId);
          resolve(undefined);
        }, options.timeoutMs ?? SCRAPE_TIMEOUT_MS);
        pending.set(requestId, (value) => {
          clearTimeout(timer);
          pending.delete(requestId);
          resolve(value);
        });
        const request: ScrapeRequest = { type: 'dashport:metrics:scrape', requestId, format };
        options.primary.send(request);
      });
      // The supervisor is gone or busy: this worker's own numbers beat a failed scrape.
      if (result?.rendered === undefined) return local.collect(format);
      return result.rendered;
    },
  };
}

export interface PrimaryMetricsHub extends MetricsCollector {
  /** Feed every message from a worker here; true when it was a metrics message. */
  handleWorkerMessage(worker: MessageTarget, message: unknown): boolean;
}

export function createPrimaryMetricsHub(options: {
  readonly metrics: DashportMetrics;
  /** The workers to ask, at the moment of the scrape. */
  readonly workers: () => readonly MessageTarget[];
  readonly timeoutMs?: number;
}): PrimaryMetricsHub {
  const waiting = new Map<number, (snapshot: MetricsSnapshot) => void>();
  let nextId = 1;

  async function gather(): Promise<MetricsSnapshot[]> {
    const requests = options.workers().map(
      (worker) =>
        new Promise<MetricsSnapshot | undefined>((resolve) => {
          const requestId = nextId++;
          const timer = setTimeout(() => {
            waiting.delete(requestId);
            resolve(undefined);
          }, options.timeoutMs ?? WORKER_SNAPSHOT_TIMEOUT_MS);
          waiting.set(requestId, (snapshot) => {
            clearTimeout(timer);
            waiting.delete(requestId);
            resolve(snapshot);
          });
          const request: SnapshotRequest = { type: 'dashport:metrics:snapshot-request', requestId };
          try {
            worker.send(request);
          } catch {
            // The worker died between listing and sending: leave it out.
            clearTimeout(timer);
            waiting.delete(requestId);
            resolve(undefined);
          }
        }),
    );
    const own = await snapshotMetrics(options.metrics);
    const fromWorkers = await Promise.all(requests);
    return [own, ...fromWorkers.filter((s): s is MetricsSnapshot => s !== undefined)];
  }

  const hub: PrimaryMetricsHub = {
    async collect(format) {
      return renderMetrics(await gather(), format);
    },
    handleWorkerMessage(worker, message) {
      if (hasType<SnapshotResponse>(message, 'dashport:metrics:snapshot')) {
        waiting.get(message.requestId)?.(message.snapshot);
        return true;
      }
      if (hasType<ScrapeRequest>(message, 'dashport:metrics:scrape')) {
        const format: MetricsFormat = message.format === 'json' ? 'json' : 'prometheus';
        hub.collect(format).then(
          (rendered) => {
            const result: ScrapeResult = {
              type: 'dashport:metrics:scrape-result',
              requestId: message.requestId,
              rendered,
            };
            worker.send(result);
          },
          (error: unknown) => {
            const result: ScrapeResult = {
              type: 'dashport:metrics:scrape-result',
              requestId: message.requestId,
              error: error instanceof Error ? error.message : String(error),
            };
            worker.send(result);
          },
        );
        return true;
      }
      return false;
    },
  };
  return hub;
}
