/**
 * A worker's lease source over the cluster IPC channel: the supervisor keeps the counters of
 * the whole server (rate-limit-authority.ts). Acquires and returns of one turn of the event
 * loop go in one message; recalls are answered from the worker's limiter. If the supervisor
 * does not answer in time, this worker's own ledger decides, so a request is never held up.
 */
import type { LeaseLimiter, LeaseSource, SourcedGrant } from '../resilience/lease-limiter.js';
import { type TokenLedger, createTokenLedger } from '../resilience/token-ledger.js';
import {
  type LeaseAcquire,
  type LeaseBatchMessage,
  type LeaseRecalled,
  type LeaseReturn,
  isLeaseReplyMessage,
} from './rate-limit-protocol.js';
import type { SupervisorChannel } from './worker-runtime.js';

/** Defaults, with their units. */
export const SUPERVISOR_LEASE_DEFAULTS = {
  /** An acquire unanswered this long is decided by the worker's own ledger. */
  timeoutMs: 1_000,
} as const;

export interface SupervisorLeaseSource extends LeaseSource {
  /** The limiter whose tokens the supervisor may recall. */
  attach(limiter: LeaseLimiter): void;
}

export interface SupervisorLeaseSourceOptions {
  readonly channel: SupervisorChannel;
  readonly timeoutMs?: number;
  readonly fallback?: TokenLedger;
}

interface Pending {
  readonly resolve: (grant: SourcedGrant) => void;
  readonly timer: NodeJS.Timeout;
}

export function createSupervisorLeaseSource(
  options: SupervisorLeaseSourceOptions,
): SupervisorLeaseSource {
  const { channel } = options;
  const timeoutMs = options.timeoutMs ?? SUPERVISOR_LEASE_DEFAULTS.timeoutMs;
  const fallback = options.fallback ?? createTokenLedger();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let limiter: LeaseLimiter | undefined;
  let batch: { acquire: LeaseAcquire[]; release: LeaseReturn[]; recalled: LeaseRecalled[] } = {
    acquire: [],
    release: [],
    recalled: [],
  };
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    const message: LeaseBatchMessage = { type: 'dashport:rl-batch', ...batch };
    batch = { acquire: [], release: [], recalled: [] };
    channel.send(message);
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    // After this turn's I/O callbacks: the requests parsed together share one message.
    setImmediate(flush);
  };

  channel.onMessage((message) => {
    if (!isLeaseReplyMessage(message)) return;
    for (const grant of message.grants) {
      const waiting = pending.get(grant.id);
      if (waiting === undefined) continue;
      pending.delete(grant.id);
      clearTimeout(waiting.timer);
      waiting.resolve({
        granted: grant.granted,
        used: grant.used,
        ttlMs: grant.ttlMs,
        windowId: grant.windowId,
        origin: 'local',
      });
    }
    for (const recall of message.recall) {
      const held = limiter?.recall(recall.key);
      batch.recalled.push({
        key: recall.key,
        recallId: recall.recallId,
        windowId: held?.windowId ?? 0,
        count: held?.count ?? 0,
      });
      schedule();
    }
  });

  return {
    acquire(request) {
      const id = nextId;
      nextId += 1;
      batch.acquire.push({ id, ...request });
      schedule();
      return new Promise<SourcedGrant>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ ...fallback.acquire(request), origin: 'local' });
        }, timeoutMs);
        timer.unref();
        pending.set(id, { resolve, timer });
      });
    },
    release(key, _origin, windowId, count) {
      batch.release.push({ key, windowId, count });
      schedule();
    },
    attach(value) {
      limiter = value;
    },
  };
}
