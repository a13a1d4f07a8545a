/**
 * The rate-limit messages between workers and the supervisor, which keeps the counters of the
 * whole server when there is no Redis (or while its breaker is open). Each direction sends
 * batches: every acquire, return and recall answer of one turn of the event loop travels in
 * one message.
 */
import type { LeaseGrant, LeaseRequest } from '../resilience/token-ledger.js';

export interface LeaseAcquire extends LeaseRequest {
  readonly id: number;
}

export interface LeaseReturn {
  readonly key: string;
  readonly windowId: number;
  readonly count: number;
}

/** A worker's answer to a recall: what it held unused of `key` (dropped on its side). */
export interface LeaseRecalled extends LeaseReturn {
  readonly recallId: number;
}

/** Worker → supervisor. */
export interface LeaseBatchMessage {
  readonly type: 'dashport:rl-batch';
  readonly acquire: readonly LeaseAcquire[];
  readonly release: readonly LeaseReturn[];
  readonly recalled: readonly LeaseRecalled[];
}

export interface LeaseGranted extends LeaseGrant {
  readonly id: number;
}

export interface LeaseRecall {
  readonly key: string;
  readonly recallId: number;
}

/** Supervisor → worker: answers to its acquires, and keys whose unused tokens it must return. */
export interface LeaseReplyMessage {
  readonly type: 'dashport:rl-reply';
  readonly grants: readonly LeaseGranted[];
  readonly recall: readonly LeaseRecall[];
}

function typeOf(message: unknown): unknown {
  return typeof message === 'object' && message !== null
    ? (message as { type?: unknown }).type
    : undefined;
}

export function isLeaseBatchMessage(message: unknown): message is LeaseBatchMessage {
  return typeOf(message) === 'dashport:rl-batch';
}

export function isLeaseReplyMessage(message: unknown): message is LeaseReplyMessage {
  return typeOf(message) === 'dashport:rl-reply';
}
