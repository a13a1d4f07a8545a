import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { type RunningCluster, startCluster } from './cluster-harness.js';

const TIMEOUT_S = 2;

describe('dashport serve: DASHPORT_TIMEOUT', () => {
  let cluster: RunningCluster;

  beforeAll(async () => {
    cluster = await startCluster({
      fixture: true,
      env: { DASHPORT_WORKERS: '2', DASHPORT_TIMEOUT: String(TIMEOUT_S) },
    });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('answers 503 with Retry-After to a request still running after the timeout', async () => {
    const started = performance.now();
    const response = await fetch(`${cluster.url}/__test/slow?ms=${TIMEOUT_S * 1000 + 2000}`);
    const seconds = (performance.now() - started) / 1000;
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({
      statusCode: 503,
      code: 'DASHPORT_ERR_QUERY_TIMEOUT',
    });
    expect(seconds).toBeGreaterThanOrEqual(TIMEOUT_S - 0.05);
    expect(seconds).toBeLessThan(TIMEOUT_S + 1.5);
  });

  it('kills and replaces a worker whose event loop is blocked', async () => {
    onTestFailed(() => console.error(cluster.describe()));
    const before = cluster.workerPids();
    // This request never gets an answer: its worker spins until the supervisor kills it.
    const blocked = fetch(`${cluster.url}/__test/block?ms=60000`).then(
      (response) => response.status,
      () => 'connection closed',
    );
    const line = await cluster.waitForLog(
      (entry) => entry.msg === 'worker event loop blocked past DASHPORT_TIMEOUT; killing it',
      15_000,
    );
    expect(before).toContain(Number(line.workerPid));
    expect(Number(line.silentMs)).toBeGreaterThan(TIMEOUT_S * 1000);
    expect(await blocked).toBe('connection closed');

    await cluster.waitForWorkers(2);
    expect(cluster.workerPids()).not.toContain(Number(line.workerPid));
    expect(await cluster.metric('dashport_worker_restarts_total{reason="blocked"}')).toBe(1);

    const result = await autocannon({ url: `${cluster.url}/livez`, connections: 4, amount: 400 });
    expect(result.errors).toBe(0);
    expect(result['2xx']).toBe(400);
  });
});
