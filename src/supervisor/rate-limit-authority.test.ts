/**
 * The supervisor's counters with two workers, each a real lease limiter talking to the
 * authority over an in-memory channel (the same messages the cluster IPC carries).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type LeaseLimiter, createLeaseLimiter } from '../resilience/lease-limiter.js';
import { createRateLimitAuthority } from './rate-limit-authority.js';
import { createSupervisorLeaseSource } from './rate-limit-client.js';
import type { SupervisorChannel } from './worker-runtime.js';

function createServer(workerCount: number) {
  const toWorker = new Map<number, (message: unknown) => void>();
  const authority = createRateLimitAuthority({
    send: (id, message) => setImmediate(() => toWorker.get(id)?.(structuredClone(message))),
  });
  const limiters: LeaseLimiter[] = [];
  for (let id = 1; id <= workerCount; id += 1) {
    const channel: SupervisorChannel = {
      send: (message) =>
        setImmediate(() => authority.handleMessage(id, structuredClone(message as object))),
      onMessage: (listener) => void toWorker.set(id, listener),
      onDisconnect: () => undefined,
    };
    const source = createSupervisorLeaseSource({ channel });
    const limiter = createLeaseLimiter({ source });
    source.attach(limiter);
    limiters.push(limiter);
  }
  return { authority, limiters };
}

describe('rate-limit authority', () => {
  let limiters: LeaseLimiter[] = [];
  afterEach(() => limiters.forEach((l) => l.close()));

  it('admits exactly max across workers, whatever order the requests reach them in', async () => {
    for (const order of [
      (i: number) => i % 2,
      (i: number) => (i < 15 ? 0 : 1),
      (i: number) => (i % 3 === 0 ? 1 : 0),
    ]) {
      const server = createServer(2);
      limiters = server.limiters;
      let admitted = 0;
      for (let i = 0; i < 30; i += 1) {
        const outcome = await server.limiters[order(i)]?.take('60:198.51.100.1', 60_000, 20);
        if (outcome?.allowed) admitted += 1;
      }
      expect(admitted).toBe(20);
      server.limiters.forEach((l) => l.close());
    }
  });

  it('recalls the tokens a worker holds before refusing another', async () => {
    const server = createServer(2);
    limiters = server.limiters;
    const [a, b] = server.limiters as [LeaseLimiter, LeaseLimiter];
    // A spends quickly and leases ahead (5 handed out, one of them still held by A); then the
    // rest of the traffic reaches B, which gets A's unused token back before it is refused.
    for (let i = 0; i < 4; i += 1) expect((await a.take('k', 60_000, 10)).allowed).toBe(true);
    const atB = [];
    for (let i = 0; i < 8; i += 1) atB.push((await b.take('k', 60_000, 10)).allowed);
    expect(atB).toEqual([true, true, true, true, true, true, false, false]);
    expect((await a.take('k', 60_000, 10)).allowed).toBe(false);
  });

  it('a worker that exits answers no recall: the others are decided without it', async () => {
    const server = createServer(2);
    limiters = server.limiters;
    const [a, b] = server.limiters as [LeaseLimiter, LeaseLimiter];
    for (let i = 0; i < 6; i += 1) await a.take('k', 60_000, 8);
    server.authority.workerExited(1);
    const started = performance.now();
    const outcomes = [];
    for (let i = 0; i < 4; i += 1) outcomes.push((await b.take('k', 60_000, 8)).allowed);
    expect(performance.now() - started).toBeLessThan(500);
    // What A held is lost to this window (at most its lease): never more than max admitted.
    expect(outcomes.filter(Boolean).length).toBeLessThanOrEqual(2);
  });
});
