import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { readFileSync } from 'node:fs';
import { type RunningCluster, sleep, startCluster } from './cluster-harness.js';

const TIMEOUT_S = 2;
/** USER_HZ of /proc/<pid>/stat: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a process so far, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count from the closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

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

  it('interrupts a slow DuckDB statement at the deadline; the worker stops it and keeps serving', async () => {
    onTestFailed(() => console.error(cluster.describe()));
    const before = cluster.workerPids();
    const restarts = await cluster.metric('dashport_worker_restarts_total{reason="blocked"}');
    const answers = await Promise.all(
      [0, 1, 2].map(async () => {
        const started = performance.now();
        const response = await fetch(`${cluster.url}/__test/duckdb-slow`);
        const body = (await response.json()) as { code?: string };
        return {
          status: response.status,
          code: body.code,
          seconds: (performance.now() - started) / 1000,
        };
      }),
    );
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503, code: 'DASHPORT_ERR_QUERY_TIMEOUT' });
      expect(answer.seconds).toBeGreaterThanOrEqual(TIMEOUT_S - 0.05);
      expect(answer.seconds).toBeLessThan(TIMEOUT_S + 1.5);
    }
    // Interrupted, not answered late while DuckDB keeps counting: the workers go idle.
    const cpu = () => before.reduce((sum, pid) => sum + cpuTicks(pid), 0);
    const ticks = cpu();
    await sleep(1_000);
    expect((cpu() - ticks) / CLOCK_TICKS_PER_SECOND, 'CPU seconds in 1 s').toBeLessThan(0.5);
    // The same workers, healthy: ready, and a real query over a dataset answers at once.
    expect(cluster.workerPids().sort()).toEqual([...before].sort());
    expect(await cluster.metric('dashport_worker_restarts_total{reason="blocked"}')).toBe(restarts);
    expect((await fetch(`${cluster.url}/readyz`)).status).toBe(200);
    const started = performance.now();
    const rows = await fetch(`${cluster.url}/api/v1/datasets/seattle-weather/rows?limit=3`);
    expect(rows.status).toBe(200);
    expect(((await rows.json()) as { rows: unknown[] }).rows).toHaveLength(3);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('kills and replaces a worker whose event loop is blocked', async () => {
    onTestFailed(() => console.error(cluster.describe()));
    const before = cluster.workerPids();
    // Only this test's kill: a loaded machine can make an earlier test's worker miss beats too.
    const mark = cluster.logs.length;
    // This request never gets an answer: its worker spins until the supervisor kills it.
    const blocked = fetch(`${cluster.url}/__test/block?ms=60000`).then(
      (response) => response.status,
      () => 'connection closed',
    );
    const line = await cluster.waitForLog(
      (entry) => entry.msg === 'worker event loop blocked past DASHPORT_TIMEOUT; killing it',
      15_000,
      mark,
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
