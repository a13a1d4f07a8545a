/**
 * The supervisor's workers (node:cluster): keeps `size` of them running, replaces one that
 * dies at once (backing off only a crash loop), kills one whose heartbeats stop (blocked event
 * loop) or that never finishes starting, and recycles gracefully — the replacement listens
 * before the old one is told to drain — when a worker says it reached DASHPORT_MAX_REQUESTS, on
 * memory pressure and on a rolling reload. Every replacement is counted by reason.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../logger.js';
import type { DashportMetrics } from '../observability/metrics.js';
import { isWorkerMessage, type StopMessage, type SupervisorMessage } from './messages.js';
import {
  FAST_FAILURE_MS,
  type RestartReason,
  exitReason,
  isBlocked,
  restartDelayMs,
} from './worker-policy.js';

/** After the graceful timeout, a worker still running is killed this much later. */
const STOP_KILL_MARGIN_MS = 500;

export interface ManagedWorker {
  readonly worker: Worker;
  readonly id: number;
  readonly pid: number | undefined;
  readonly startedAt: number;
  state: 'starting' | 'ready' | 'stopping';
  lastHeartbeatAt: number;
  heartbeats: number;
  rssBytes: number;
  /** Served so far, as of its last heartbeat; the worker itself asks at its limit. */
  requests: number;
  /** Set when the supervisor kills the worker, so its exit is counted under this reason. */
  killReason: RestartReason | undefined;
  /** Its exit is expected: no replacement is started for it. */
  planned: boolean;
  /** A replacement is being started for it. */
  recycling: boolean;
  /** Started as a replacement that is not ready yet: if it dies, the old worker stays. */
  provisional: boolean;
  readonly ready: Promise<boolean>;
  readonly exited: Promise<void>;
}

export interface WorkerPoolOptions {
  readonly size: number;
  readonly timeoutMs: number;
  readonly startupTimeoutMs: number;
  readonly gracefulTimeoutMs: number;
  readonly logger: Logger;
  readonly metrics: DashportMetrics;
  /** Messages that are not the pool's own (metrics scrapes). */
  readonly onWorkerMessage: (worker: ManagedWorker, message: unknown) => void;
  /** A worker became ready, started stopping or exited. */
  readonly onChange: () => void;
  readonly now?: () => number;
}

export interface WorkerPool {
  start(): void;
  list(): ManagedWorker[];
  /** Workers serving traffic (ready and not stopping). */
  alive(): number;
  readonly size: number;
  broadcast(message: SupervisorMessage): void;
  /** Replace one worker gracefully; replacements run one at a time. */
  recycle(worker: ManagedWorker, reason: RestartReason): Promise<void>;
  /** Replace every worker, one after the other, without a failed request. */
  reload(): Promise<void>;
  /** True while a replacement is in progress. */
  busy(): boolean;
  /** Drain and stop every worker; resolves when all exited. */
  stopAll(): Promise<void>;
  /** Kill every worker at once (a second shutdown signal). */
  killAll(): void;
}

export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const { logger, metrics } = options;
  const now = options.now ?? (() => performance.now());
  const workers = new Map<number, ManagedWorker>();
  const readyResolvers = new Map<number, (ready: boolean) => void>();
  const exitResolvers = new Map<number, () => void>();
  let shuttingDown = false;
  let fastFailures = 0;
  let queue: Promise<void> = Promise.resolve();
  let pending = 0;
  let reloading = false;
  const checkIntervalMs = Math.max(20, Math.min(250, options.timeoutMs / 8));
  let lastCheckAt = now();

  function spawn(provisional = false): ManagedWorker {
    const worker = cluster.fork();
    let resolveReady: (ready: boolean) => void = () => undefined;
    let resolveExit: () => void = () => undefined;
    const managed: ManagedWorker = {
      worker,
      id: worker.id,
      pid: worker.process.pid,
      startedAt: now(),
      state: 'starting',
      lastHeartbeatAt: now(),
      heartbeats: 0,
      rssBytes: 0,
      requests: 0,
      killReason: undefined,
      planned: false,
      recycling: false,
      provisional,
      ready: new Promise<boolean>((resolve) => (resolveReady = resolve)),
      exited: new Promise<void>((resolve) => (resolveExit = resolve)),
    };
    readyResolvers.set(worker.id, resolveReady);
    exitResolvers.set(worker.id, resolveExit);
    workers.set(worker.id, managed);
    logger.debug({ worker: worker.id, workerPid: managed.pid }, 'worker started');
    return managed;
  }

  function kill(managed: ManagedWorker, reason: RestartReason): void {
    if (managed.killReason !== undefined) return;
    managed.killReason = reason;
    managed.worker.process.kill('SIGKILL');
  }

  function stop(managed: ManagedWorker): Promise<void> {
    if (managed.state !== 'stopping') {
      managed.state = 'stopping';
      managed.planned = true;
      const message: StopMessage = {
        type: 'dashport:stop',
        gracefulTimeoutMs: options.gracefulTimeoutMs,
      };
      send(managed, message);
      const timer = setTimeout(() => {
        logger.warn(
          { worker: managed.id, workerPid: managed.pid },
          'worker outlived the graceful timeout; killing it',
        );
        managed.killReason ??= 'exit';
        managed.worker.process.kill('SIGKILL');
      }, options.gracefulTimeoutMs + STOP_KILL_MARGIN_MS);
      timer.unref();
      void managed.exited.then(() => clearTimeout(timer));
      options.onChange();
    }
    return managed.exited;
  }

  function send(managed: ManagedWorker, message: unknown): void {
    if (!managed.worker.isConnected()) return;
    try {
      managed.worker.send(message as object, undefined, () => undefined);
    } catch {
      // The channel closed between the check and the send: the exit handler takes over.
    }
  }

  cluster.on('message', (worker, message: unknown) => {
    const managed = workers.get(worker.id);
    if (managed === undefined) return;
    if (!isWorkerMessage(message)) {
      options.onWorkerMessage(managed, message);
      return;
    }
    if (message.type === 'dashport:max-requests') {
      if (managed.state === 'stopping' || managed.recycling) return;
      logger.info(
        { worker: managed.id, requests: message.requests, limit: message.limit },
        'worker reached DASHPORT_MAX_REQUESTS; recycling',
      );
      void recycle(managed, 'max_requests');
      return;
    }
    if (message.type === 'dashport:heartbeat') {
      managed.lastHeartbeatAt = now();
      managed.heartbeats += 1;
      managed.rssBytes = message.rssBytes;
      managed.requests = message.requests;
      return;
    }
    if (managed.state === 'starting') {
      managed.state = 'ready';
      readyResolvers.get(worker.id)?.(true);
      logger.info(
        { worker: managed.id, workerPid: managed.pid, ms: Math.round(now() - managed.startedAt) },
        'worker ready',
      );
      options.onChange();
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const managed = workers.get(worker.id);
    if (managed === undefined) return;
    workers.delete(worker.id);
    readyResolvers.get(worker.id)?.(false);
    readyResolvers.delete(worker.id);
    exitResolvers.get(worker.id)?.();
    exitResolvers.delete(worker.id);
    options.onChange();
    if (shuttingDown || managed.planned || managed.provisional) return;
    const reason = managed.killReason ?? exitReason(code, signal);
    metrics.workerRestarts.inc({ reason });
    fastFailures = now() - managed.startedAt < FAST_FAILURE_MS ? fastFailures + 1 : 0;
    const delayMs = restartDelayMs(fastFailures);
    logger.error(
      { worker: managed.id, workerPid: managed.pid, code, signal, reason, restartInMs: delayMs },
      `worker ${managed.pid ?? managed.id} ${reason === 'blocked' ? 'was blocked and killed' : `exited (${signal ?? code})`}; replacing it`,
    );
    setTimeout(() => {
      if (!shuttingDown) spawn();
    }, delayMs).unref();
  });

  async function replace(old: ManagedWorker, reason: RestartReason): Promise<void> {
    if (shuttingDown || old.state === 'stopping' || !workers.has(old.id)) return;
    // Its exit is ours to handle from now on: the replacement below covers it.
    old.planned = true;
    const fresh = spawn(true);
    const timer = setTimeout(() => kill(fresh, 'startup_timeout'), options.startupTimeoutMs);
    const ready = await fresh.ready;
    clearTimeout(timer);
    if (!ready) {
      logger.error(
        { worker: old.id, reason },
        'replacement worker failed to start; keeping the old one',
      );
      old.planned = false;
      old.recycling = false;
      if (!workers.has(old.id) && !shuttingDown) spawn();
      return;
    }
    fresh.provisional = false;
    metrics.workerRestarts.inc({ reason });
    logger.info({ oldPid: old.pid, freshPid: fresh.pid, reason }, 'worker recycled');
    if (workers.has(old.id)) await stop(old);
  }

  function recycle(worker: ManagedWorker, reason: RestartReason): Promise<void> {
    if (worker.recycling || worker.state === 'stopping') return queue;
    worker.recycling = true;
    pending += 1;
    queue = queue
      .then(() => replace(worker, reason))
      .catch((error: unknown) => logger.error({ err: error }, 'recycle failed'))
      .finally(() => {
        pending -= 1;
      });
    return queue;
  }

  function check(): void {
    const at = now();
    // The supervisor itself was frozen (suspended, starved): no heartbeat could be read either.
    if (at - lastCheckAt > Math.max(1000, checkIntervalMs * 8)) {
      for (const managed of workers.values()) managed.lastHeartbeatAt = at;
      lastCheckAt = at;
      return;
    }
    lastCheckAt = at;
    for (const managed of workers.values()) {
      if (managed.killReason !== undefined) continue;
      if (managed.state === 'starting' && at - managed.startedAt > options.startupTimeoutMs) {
        logger.error(
          { worker: managed.id, workerPid: managed.pid },
          'worker did not start in time; killing it',
        );
        kill(managed, 'startup_timeout');
      } else if (
        managed.heartbeats > 0 &&
        isBlocked(managed.lastHeartbeatAt, at, options.timeoutMs)
      ) {
        logger.error(
          {
            worker: managed.id,
            workerPid: managed.pid,
            silentMs: Math.round(at - managed.lastHeartbeatAt),
          },
          'worker event loop blocked past DASHPORT_TIMEOUT; killing it',
        );
        kill(managed, 'blocked');
      }
    }
  }

  const timer = setInterval(check, checkIntervalMs);
  timer.unref();

  return {
    size: options.size,
    start() {
      for (let i = 0; i < options.size; i += 1) spawn();
    },
    list: () => [...workers.values()],
    alive: () => [...workers.values()].filter((w) => w.state === 'ready').length,
    broadcast(message) {
      for (const managed of workers.values()) send(managed, message);
    },
    recycle,
    busy: () => pending > 0,
    async reload() {
      if (reloading) {
        logger.info('a reload is already running');
        return;
      }
      reloading = true;
      try {
        const current = [...workers.values()].filter(
          (w) => w.state !== 'stopping' && !w.provisional,
        );
        for (const managed of current) await recycle(managed, 'reload');
      } finally {
        reloading = false;
      }
    },
    async stopAll() {
      shuttingDown = true;
      clearInterval(timer);
      await Promise.all([...workers.values()].map(stop));
    },
    killAll() {
      shuttingDown = true;
      clearInterval(timer);
      for (const managed of workers.values()) managed.worker.process.kill('SIGKILL');
    },
  };
}
