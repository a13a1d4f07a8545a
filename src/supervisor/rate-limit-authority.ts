/**
 * The supervisor's rate-limit counters, one ledger for every worker of the server. Workers
 * lease tokens ahead (see token-ledger.ts); the authority remembers how many each one may
 * still hold per key. When a request would be refused while another worker holds tokens of
 * that key, those are recalled first and the request is decided once they are back (or after
 * `recallTimeoutMs`, for a worker that cannot answer): so the server admits exactly `max` per
 * window whichever workers the requests reach.
 */
import {
  type LeaseRequest,
  type TokenLedger,
  createTokenLedger,
} from '../resilience/token-ledger.js';
import {
  type LeaseAcquire,
  type LeaseGranted,
  type LeaseRecall,
  type LeaseReplyMessage,
  isLeaseBatchMessage,
} from './rate-limit-protocol.js';

/** Defaults, with their units. */
export const RATE_LIMIT_AUTHORITY_DEFAULTS = {
  /** A recalled worker that has not answered after this long is taken to hold nothing. */
  recallTimeoutMs: 100,
} as const;

export interface RateLimitAuthorityOptions {
  /** Sends a reply to one worker. */
  readonly send: (workerId: number, message: LeaseReplyMessage) => void;
  readonly ledger?: TokenLedger;
  readonly now?: () => number;
  readonly recallTimeoutMs?: number;
}

export interface RateLimitAuthority {
  /** Feed every worker message here; true when it was a rate-limit message. */
  handleMessage(workerId: number, message: unknown): boolean;
  /** The worker is gone: it answers no recall; what it held is lost to this window. */
  workerExited(workerId: number): void;
}

interface Holdings {
  windowId: number;
  /** Worker id → tokens it may still hold unused. */
  readonly byWorker: Map<number, number>;
}

interface Recall {
  readonly key: string;
  readonly waitingFor: Set<number>;
  readonly pending: { readonly workerId: number; readonly acquire: LeaseAcquire }[];
  readonly timer: NodeJS.Timeout;
}

export function createRateLimitAuthority(options: RateLimitAuthorityOptions): RateLimitAuthority {
  const ledger = options.ledger ?? createTokenLedger(options.now ? { now: options.now } : {});
  const recallTimeoutMs = options.recallTimeoutMs ?? RATE_LIMIT_AUTHORITY_DEFAULTS.recallTimeoutMs;
  const holdings = new Map<string, Holdings>();
  const recalls = new Map<number, Recall>();
  const recallsByKey = new Map<string, Recall>();
  let nextRecallId = 1;
  const outbox = new Map<number, { grants: LeaseGranted[]; recall: LeaseRecall[] }>();
  let flushScheduled = false;

  function flush(): void {
    flushScheduled = false;
    for (const [workerId, box] of outbox) {
      options.send(workerId, { type: 'dashport:rl-reply', grants: box.grants, recall: box.recall });
    }
    outbox.clear();
  }
  function boxOf(workerId: number): { grants: LeaseGranted[]; recall: LeaseRecall[] } {
    let box = outbox.get(workerId);
    if (box === undefined) {
      box = { grants: [], recall: [] };
      outbox.set(workerId, box);
    }
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
    return box;
  }

  function forget(key: string, workerId: number): void {
    const held = holdings.get(key);
    if (held === undefined) return;
    held.byWorker.delete(workerId);
    if (held.byWorker.size === 0) holdings.delete(key);
  }

  function grant(workerId: number, acquire: LeaseAcquire, final: boolean): void {
    // A worker asks only once it holds nothing of this key.
    forget(acquire.key, workerId);
    const request: LeaseRequest = acquire;
    const pending = recallsByKey.get(acquire.key);
    if (pending !== undefined) {
      pending.pending.push({ workerId, acquire });
      return;
    }
    const result = ledger.acquire(request);
    if (result.granted < acquire.need && !final) {
      const held = holdings.get(acquire.key);
      const others = [...(held?.byWorker.entries() ?? [])].filter(
        ([id, count]) => id !== workerId && count > 0 && held?.windowId === result.windowId,
      );
      if (others.length > 0) {
        // Undo this grant and decide once the others have returned what they hold.
        if (result.granted > 0) ledger.release(acquire.key, result.windowId, result.granted);
        startRecall(
          acquire.key,
          others.map(([id]) => id),
          { workerId, acquire },
        );
        return;
      }
    }
    const ahead = Math.max(0, result.granted - acquire.need);
    if (ahead > 0) {
      let held = holdings.get(acquire.key);
      if (held === undefined || held.windowId !== result.windowId) {
        held = { windowId: result.windowId, byWorker: new Map() };
        holdings.set(acquire.key, held);
      }
      held.byWorker.set(workerId, ahead);
    }
    boxOf(workerId).grants.push({ id: acquire.id, ...result });
  }

  function startRecall(
    key: string,
    workers: readonly number[],
    first: { workerId: number; acquire: LeaseAcquire },
  ): void {
    const recallId = nextRecallId;
    nextRecallId += 1;
    const recall: Recall = {
      key,
      waitingFor: new Set(workers),
      pending: [first],
      timer: setTimeout(() => finishRecall(recall, recallId), recallTimeoutMs),
    };
    recall.timer.unref();
    recalls.set(recallId, recall);
    recallsByKey.set(key, recall);
    for (const workerId of workers) boxOf(workerId).recall.push({ key, recallId });
  }

  function finishRecall(recall: Recall, recallId: number): void {
    if (!recalls.has(recallId)) return;
    clearTimeout(recall.timer);
    recalls.delete(recallId);
    recallsByKey.delete(recall.key);
    for (const workerId of recall.waitingFor) forget(recall.key, workerId);
    // Final: what was returned is all there is; no second recall for the same requests.
    for (const { workerId, acquire } of recall.pending) grant(workerId, acquire, true);
  }

  function answered(recallId: number, workerId: number): void {
    const recall = recalls.get(recallId);
    if (recall === undefined) return;
    recall.waitingFor.delete(workerId);
    if (recall.waitingFor.size === 0) finishRecall(recall, recallId);
  }

  return {
    handleMessage(workerId, message) {
      if (!isLeaseBatchMessage(message)) return false;
      for (const returned of message.release) {
        ledger.release(returned.key, returned.windowId, returned.count);
        forget(returned.key, workerId);
      }
      for (const returned of message.recalled) {
        if (returned.count > 0) ledger.release(returned.key, returned.windowId, returned.count);
        forget(returned.key, workerId);
        answered(returned.recallId, workerId);
      }
      for (const acquire of message.acquire) grant(workerId, acquire, false);
      return true;
    },
    workerExited(workerId) {
      for (const key of [...holdings.keys()]) forget(key, workerId);
      for (const recallId of [...recalls.keys()]) answered(recallId, workerId);
    },
  };
}
