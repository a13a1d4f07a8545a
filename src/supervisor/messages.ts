/**
 * The IPC protocol between the supervisor and its workers (and the cache-builder child).
 * Every message carries a `dashport:` type so it never collides with Node's own cluster
 * messages or prom-client's.
 */
import type { MemorySnapshot } from '../resilience/memory-status.js';

/** Worker → supervisor, every heartbeat interval, from the worker's event loop. */
export interface HeartbeatMessage {
  readonly type: 'dashport:heartbeat';
  readonly rssBytes: number;
  readonly requests: number;
}

/** Worker → supervisor: listening, with the catalog loaded; it can take traffic. */
export interface ReadyMessage {
  readonly type: 'dashport:ready';
}

/**
 * Worker → supervisor, once: it has served its DASHPORT_MAX_REQUESTS (± jitter) and asks to
 * be replaced, at that request rather than at the next heartbeat (as Gunicorn's workers do).
 */
export interface MaxRequestsMessage {
  readonly type: 'dashport:max-requests';
  readonly requests: number;
  readonly limit: number;
}

/** Supervisor → workers: how the whole server is doing, for /health. */
export interface StatusMessage {
  readonly type: 'dashport:status';
  /** When the supervisor started (epoch ms): the server's uptime, whatever the worker's. */
  readonly startedAt: number;
  readonly workers: { readonly alive: number; readonly expected: number };
  readonly memory: MemorySnapshot;
  readonly build: { readonly running: boolean; readonly progress: number };
  readonly draining: boolean;
}

/** Supervisor → workers: a dataset's cache entry was committed or failed; re-read it. */
export interface DatasetMessage {
  readonly type: 'dashport:dataset';
  readonly id: string;
  readonly progress: number;
}

/** Supervisor → workers: the build finished; re-read every entry. */
export interface BuildDoneMessage {
  readonly type: 'dashport:build-done';
}

/** Supervisor → workers: shutdown began; readiness fails from now on. */
export interface DrainMessage {
  readonly type: 'dashport:drain';
}

/** Supervisor → one worker: stop taking connections, finish what is in flight, exit 0. */
export interface StopMessage {
  readonly type: 'dashport:stop';
  readonly gracefulTimeoutMs: number;
}

export type SupervisorMessage =
  StatusMessage | DatasetMessage | BuildDoneMessage | DrainMessage | StopMessage;
export type WorkerMessage = HeartbeatMessage | ReadyMessage | MaxRequestsMessage;

const SUPERVISOR_TYPES = new Set<string>([
  'dashport:status',
  'dashport:dataset',
  'dashport:build-done',
  'dashport:drain',
  'dashport:stop',
]);
const WORKER_TYPES = new Set<string>([
  'dashport:heartbeat',
  'dashport:ready',
  'dashport:max-requests',
]);

function typeOf(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const type = (message as { type?: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}

export function isSupervisorMessage(message: unknown): message is SupervisorMessage {
  return SUPERVISOR_TYPES.has(typeOf(message) ?? '');
}

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  return WORKER_TYPES.has(typeOf(message) ?? '');
}
