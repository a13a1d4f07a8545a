import { afterEach, describe, expect, it } from 'vitest';
import type { Catalog } from '../engine/catalog.js';
import { createLogger } from '../logger.js';
import { createRuntimeState } from '../server/runtime-state.js';
import {
  type SupervisorChannel,
  type WorkerRuntime,
  createWorkerRuntime,
  heartbeatIntervalMs,
} from './worker-runtime.js';

function fakeChannel() {
  const sent: unknown[] = [];
  let onMessage: (message: unknown) => void = () => undefined;
  let onDisconnect: () => void = () => undefined;
  const channel: SupervisorChannel = {
    send: (message) => void sent.push(message),
    onMessage: (listener) => void (onMessage = listener),
    onDisconnect: (listener) => void (onDisconnect = listener),
  };
  return {
    channel,
    sent,
    deliver: (message: unknown) => onMessage(message),
    disconnect: () => onDisconnect(),
  };
}

function fakeCatalog() {
  const refreshed: (string | undefined)[] = [];
  const catalog = { refresh: async (id?: string) => void refreshed.push(id) } as unknown as Catalog;
  return { catalog, refreshed };
}

const logger = createLogger({ logLevel: 'silent', logFormat: 'json', version: 'test' });
let runtime: WorkerRuntime | undefined;

afterEach(() => runtime?.close());

describe('worker runtime', () => {
  it('sends a heartbeat at once with the rss and requests served', () => {
    const { channel, sent } = fakeChannel();
    runtime = createWorkerRuntime({
      version: 'test',
      timeoutSeconds: 120,
      logger,
      channel,
      rss: () => 1234,
    });
    expect(sent[0]).toEqual({ type: 'dashport:heartbeat', rssBytes: 1234, requests: 0 });
    expect(heartbeatIntervalMs(120)).toBe(1000);
    expect(heartbeatIntervalMs(2)).toBe(500);
  });

  it('asks once to be recycled at the request that reaches its limit (with its share of the jitter)', () => {
    const { channel, sent } = fakeChannel();
    runtime = createWorkerRuntime({
      version: 'test',
      timeoutSeconds: 120,
      logger,
      channel,
      maxRequests: 40,
      maxRequestsJitter: 10,
      random: () => 0.5,
    });
    const asks = () => sent.filter((m) => (m as { type: string }).type === 'dashport:max-requests');
    for (let i = 0; i < 44; i += 1) runtime.operations.requestsServed += 1;
    expect(asks()).toEqual([]);
    runtime.operations.requestsServed += 1;
    expect(asks()).toEqual([{ type: 'dashport:max-requests', requests: 45, limit: 45 }]);
    for (let i = 0; i < 20; i += 1) runtime.operations.requestsServed += 1;
    expect(asks()).toHaveLength(1);
    expect(runtime.operations.requestsServed).toBe(65);
  });

  it('applies the supervisor status to the state and the server view', () => {
    const { channel, deliver } = fakeChannel();
    runtime = createWorkerRuntime({ version: 'test', timeoutSeconds: 120, logger, channel });
    const state = createRuntimeState();
    runtime.attach({ catalog: fakeCatalog().catalog, state });
    expect(state.building).toBe(true);
    deliver({
      type: 'dashport:status',
      startedAt: 1_000,
      workers: { alive: 2, expected: 3 },
      memory: { rssBytes: 10, limitBytes: 100, percent: 10, level: 'ok' },
      build: { running: false, progress: 1 },
      draining: false,
    });
    expect(state).toMatchObject({ building: false, buildProgress: 1, draining: false });
    expect(runtime.operations.server.workers()).toEqual({ alive: 2, expected: 3 });
    expect(runtime.operations.server.memory().limitBytes).toBe(100);
    expect(runtime.operations.server.startedAt()).toBe(1_000);
    deliver({ type: 'dashport:drain' });
    expect(state.draining).toBe(true);
  });

  it('refreshes committed datasets, including those announced before the catalog existed', () => {
    const { channel, deliver } = fakeChannel();
    runtime = createWorkerRuntime({ version: 'test', timeoutSeconds: 120, logger, channel });
    deliver({ type: 'dashport:dataset', id: 'early', progress: 0.5 });
    const { catalog, refreshed } = fakeCatalog();
    const state = createRuntimeState();
    runtime.attach({ catalog, state });
    expect(refreshed).toEqual(['early']);
    deliver({ type: 'dashport:dataset', id: 'trends', progress: 0.75 });
    expect(state.buildProgress).toBe(0.75);
    deliver({ type: 'dashport:build-done' });
    expect(refreshed).toEqual(['early', 'trends', undefined]);
    expect(state).toMatchObject({ building: false, buildProgress: 1 });
  });

  it('drains once on a stop order, or when the supervisor disappears', async () => {
    const { channel, deliver, disconnect } = fakeChannel();
    runtime = createWorkerRuntime({ version: 'test', timeoutSeconds: 120, logger, channel });
    const state = createRuntimeState();
    runtime.attach({ catalog: fakeCatalog().catalog, state });
    const stops: number[] = [];
    let drained = 0;
    runtime.operations.onDrain(() => {
      drained += 1;
    });
    runtime.onStop(async (ms) => void stops.push(ms));
    deliver({ type: 'dashport:stop', gracefulTimeoutMs: 30_000 });
    disconnect();
    expect(stops).toEqual([30_000]);
    expect(drained).toBe(1);
    expect(state.draining).toBe(true);
    expect(runtime.operations.closingConnections).toBe(true);
  });

  it('answers a stop that came before the handler was registered', () => {
    const { channel, deliver } = fakeChannel();
    runtime = createWorkerRuntime({ version: 'test', timeoutSeconds: 120, logger, channel });
    deliver({ type: 'dashport:stop', gracefulTimeoutMs: 5_000 });
    const stops: number[] = [];
    runtime.onStop(async (ms) => void stops.push(ms));
    expect(stops).toEqual([5_000]);
  });

  it('says ready', () => {
    const { channel, sent } = fakeChannel();
    runtime = createWorkerRuntime({ version: 'test', timeoutSeconds: 120, logger, channel });
    runtime.ready();
    expect(sent).toContainEqual({ type: 'dashport:ready' });
  });
});
