/**
 * A worker's side of the supervisor protocol: heartbeats from the event loop (a blocked loop
 * sends none, and the supervisor replaces the worker), the server-wide view it reports in
 * /health (workers, memory, build progress), dataset commits it turns into catalog refreshes,
 * the drain and stop orders, and /metrics scrapes that span every worker.
 */
import type { Catalog } from '../engine/catalog.js';
import type { Logger } from '../logger.js';
import { createWorkerMetricsChannel } from '../observability/cluster-metrics.js';
import { createMetrics } from '../observability/metrics.js';
import { type Operations, type ServerView, createOperations } from '../observability/operations.js';
import type { MemorySnapshot } from '../resilience/memory-status.js';
import type { RuntimeState } from '../server/runtime-state.js';
import {
  type HeartbeatMessage,
  type MaxRequestsMessage,
  type ReadyMessage,
  type StatusMessage,
  isSupervisorMessage,
} from './messages.js';
import { requestLimitFor } from './worker-policy.js';

/** The IPC channel to the supervisor; `process` in a cluster worker, a fake in tests. */
export interface SupervisorChannel {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onDisconnect(listener: () => void): void;
}

/** `process` as a SupervisorChannel; sends after a disconnect are dropped, not thrown. */
export function processChannel(): SupervisorChannel {
  return {
    send(message) {
      if (process.connected && process.send)
        process.send(message, undefined, undefined, () => undefined);
    },
    onMessage: (listener) => void process.on('message', listener),
    onDisconnect: (listener) => void process.on('disconnect', listener),
  };
}

/** Heartbeats this often, and never fewer than four per DASHPORT_TIMEOUT. */
export function heartbeatIntervalMs(timeoutSeconds: number): number {
  return Math.max(50, Math.min(1000, (timeoutSeconds * 1000) / 4));
}

export interface WorkerRuntimeOptions {
  readonly version: string;
  readonly timeoutSeconds: number;
  readonly logger: Logger;
  readonly channel: SupervisorChannel;
  readonly rss?: () => number;
  /** DASHPORT_MAX_REQUESTS and its jitter; 0 (the default) never asks to be recycled. */
  readonly maxRequests?: number;
  readonly maxRequestsJitter?: number;
  readonly random?: () => number;
}

export interface WorkerRuntime {
  readonly operations: Operations;
  /** Connect the catalog and state once they exist; queued dataset commits are applied. */
  attach(target: { readonly catalog: Catalog; readonly state: RuntimeState }): void;
  /** Tell the supervisor this worker listens and can take traffic. */
  ready(): void;
  /** What to do when the supervisor orders a stop (or disappears). */
  onStop(handler: (gracefulTimeoutMs: number) => Promise<void>): void;
  /** Stop the heartbeats (tests). */
  close(): void;
}

/**
 * Sends the supervisor one MaxRequestsMessage when the served count reaches this worker's
 * limit (DASHPORT_MAX_REQUESTS plus its own share of the jitter). The count is kept by the
 * request recorder (`operations.requestsServed += 1`); an accessor sees each increment, so
 * no hook is added to the request path.
 */
function watchRequestLimit(operations: Operations, options: WorkerRuntimeOptions): () => void {
  const limit = requestLimitFor(
    options.maxRequests ?? 0,
    options.maxRequestsJitter ?? 0,
    options.random ?? Math.random,
  );
  if (limit === undefined) return () => undefined;
  let served = operations.requestsServed;
  let asked = false;
  const ask = (): void => {
    const message: MaxRequestsMessage = { type: 'dashport:max-requests', requests: served, limit };
    options.channel.send(message);
  };
  Object.defineProperty(operations, 'requestsServed', {
    configurable: true,
    enumerable: true,
    get: () => served,
    set: (value: number) => {
      served = value;
      if (asked || served < limit) return;
      asked = true;
      ask();
    },
  });
  // Asked again with each heartbeat until replaced, in case a replacement failed to start.
  return () => {
    if (asked) ask();
  };
}

export function createWorkerRuntime(options: WorkerRuntimeOptions): WorkerRuntime {
  const { channel, logger } = options;
  const rss = options.rss ?? (() => process.memoryUsage.rss());
  const metrics = createMetrics({ role: 'worker', version: options.version });
  const metricsChannel = createWorkerMetricsChannel({ metrics, primary: channel });

  let status: StatusMessage | undefined;
  let target: { catalog: Catalog; state: RuntimeState } | undefined;
  const pendingRefresh = new Set<string>();
  let refreshAll = false;
  let stopHandler: ((gracefulTimeoutMs: number) => Promise<void>) | undefined;
  let stopRequested: number | undefined;

  const workerStartedAt = Date.now() - process.uptime() * 1000;
  const server: ServerView = {
    workers: () => status?.workers ?? { alive: 1, expected: 1 },
    startedAt: () => status?.startedAt ?? workerStartedAt,
    memory: (): MemorySnapshot =>
      status?.memory ?? { rssBytes: rss(), limitBytes: 0, percent: 0, level: 'ok' },
  };
  const operations = createOperations({ metrics, collector: metricsChannel, server, probes: {} });
  const askAgain = watchRequestLimit(operations, options);

  function refresh(id?: string): void {
    if (target === undefined) {
      if (id === undefined) refreshAll = true;
      else pendingRefresh.add(id);
      return;
    }
    target.catalog
      .refresh(id)
      .catch((error: unknown) =>
        logger.error({ err: error, dataset: id }, 'catalog refresh failed'),
      );
  }

  function applyStatus(): void {
    if (target === undefined || status === undefined) return;
    target.state.building = status.build.running;
    target.state.buildProgress = status.build.progress;
    if (status.draining) target.state.draining = true;
  }

  function stop(gracefulTimeoutMs: number): void {
    if (stopRequested !== undefined) return;
    stopRequested = gracefulTimeoutMs;
    if (target) target.state.draining = true;
    operations.startDrain();
    if (stopHandler) void stopHandler(gracefulTimeoutMs);
  }

  channel.onMessage((message) => {
    if (metricsChannel.handleMessage(message)) return;
    if (!isSupervisorMessage(message)) return;
    switch (message.type) {
      case 'dashport:status':
        status = message;
        applyStatus();
        break;
      case 'dashport:dataset':
        if (target)
          target.state.buildProgress = Math.max(target.state.buildProgress, message.progress);
        refresh(message.id);
        break;
      case 'dashport:build-done':
        if (target) {
          target.state.building = false;
          target.state.buildProgress = 1;
        }
        refresh();
        break;
      case 'dashport:drain':
        if (target) target.state.draining = true;
        break;
      case 'dashport:stop':
        stop(message.gracefulTimeoutMs);
        break;
    }
  });
  // The supervisor is gone (killed, crashed): nobody will replace or stop us, so leave quietly.
  channel.onDisconnect(() => stop(5_000));

  const beat = (): void => {
    const heartbeat: HeartbeatMessage = {
      type: 'dashport:heartbeat',
      rssBytes: rss(),
      requests: operations.requestsServed,
    };
    channel.send(heartbeat);
    askAgain();
  };
  const heartbeat = setInterval(beat, heartbeatIntervalMs(options.timeoutSeconds));
  heartbeat.unref();
  beat();

  return {
    operations,
    attach(value) {
      target = { catalog: value.catalog, state: value.state };
      // Until the supervisor says otherwise, assume the first build is running.
      value.state.building = status?.build.running ?? true;
      applyStatus();
      if (stopRequested !== undefined) value.state.draining = true;
      if (refreshAll) refresh();
      else for (const id of pendingRefresh) refresh(id);
      pendingRefresh.clear();
      refreshAll = false;
    },
    ready() {
      const message: ReadyMessage = { type: 'dashport:ready' };
      channel.send(message);
    },
    onStop(handler) {
      stopHandler = handler;
      if (stopRequested !== undefined) void handler(stopRequested);
    },
    close() {
      clearInterval(heartbeat);
    },
  };
}
