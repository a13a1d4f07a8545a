/**
 * The supervisor's decisions, as pure functions of what it knows and the time: when a worker
 * has served enough requests, when its event loop counts as blocked, how long to wait before
 * replacing a worker that keeps dying, and which worker to recycle when memory is critical.
 */

/** Why a worker was replaced; the `reason` label of dashport_worker_restarts_total. */
export type RestartReason =
  | 'crash'
  | 'killed'
  | 'exit'
  | 'blocked'
  | 'startup_timeout'
  | 'max_requests'
  | 'memory'
  | 'reload';

/** A worker that dies sooner than this after its start counts towards the crash-loop backoff. */
export const FAST_FAILURE_MS = 5_000;
/** Deaths in a row that are replaced at once before backing off. */
export const IMMEDIATE_RESTARTS = 3;
export const MAX_RESTART_DELAY_MS = 10_000;
/** A worker this young is not picked for a memory recycle: its replacement would be no smaller. */
export const MEMORY_RECYCLE_MIN_AGE_MS = 10_000;

/**
 * The request count after which a worker is recycled: DASHPORT_MAX_REQUESTS plus a random
 * share of the jitter, so workers started together do not all restart at once.
 * Undefined when recycling by count is off.
 */
export function requestLimitFor(
  maxRequests: number,
  jitter: number,
  random: () => number,
): number | undefined {
  if (maxRequests <= 0) return undefined;
  return maxRequests + Math.floor(random() * (jitter + 1));
}

/** How a worker's exit is counted when nobody asked it to stop. */
export function exitReason(code: number | null, signal: string | null): RestartReason {
  if (signal !== null) return 'killed';
  return code === 0 ? 'exit' : 'crash';
}

/** No heartbeat for longer than the timeout: its event loop is stuck (or the process is). */
export function isBlocked(lastHeartbeatAt: number, now: number, timeoutMs: number): boolean {
  return now - lastHeartbeatAt > timeoutMs;
}

/**
 * Delay before replacing a dead worker, given how many died young in a row: the first few are
 * replaced at once (a crash must cost under a second), a crash loop backs off exponentially.
 */
export function restartDelayMs(fastFailuresInARow: number): number {
  if (fastFailuresInARow < IMMEDIATE_RESTARTS) return 0;
  return Math.min(MAX_RESTART_DELAY_MS, 250 * 2 ** (fastFailuresInARow - IMMEDIATE_RESTARTS));
}

export interface MemoryCandidate {
  readonly id: number;
  readonly rssBytes: number;
  readonly startedAt: number;
}

/** The largest worker old enough to be worth recycling, if any. */
export function pickMemoryVictim(
  workers: readonly MemoryCandidate[],
  now: number,
  minAgeMs: number = MEMORY_RECYCLE_MIN_AGE_MS,
): number | undefined {
  let victim: MemoryCandidate | undefined;
  for (const worker of workers) {
    if (now - worker.startedAt < minAgeMs) continue;
    if (victim === undefined || worker.rssBytes > victim.rssBytes) victim = worker;
  }
  return victim?.id;
}
