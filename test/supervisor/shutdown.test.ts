import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { type RunningCluster, sleep, startCluster } from './cluster-harness.js';

const SHUTDOWN_DELAY_S = 1;
const GRACEFUL_TIMEOUT_S = 10;
const SLOW_MS = 3_000;

describe('dashport serve: SIGTERM', () => {
  let cluster: RunningCluster;

  beforeAll(async () => {
    cluster = await startCluster({
      fixture: true,
      env: {
        DASHPORT_WORKERS: '2',
        DASHPORT_SHUTDOWN_DELAY: String(SHUTDOWN_DELAY_S),
        DASHPORT_GRACEFUL_TIMEOUT: String(GRACEFUL_TIMEOUT_S),
      },
    });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('fails readiness at once, finishes in-flight requests and exits 0 in time', async () => {
    onTestFailed(() => console.error(cluster.describe()));
    const load = autocannon({ url: `${cluster.url}/api/v1/datasets`, connections: 8, duration: 6 });
    const slow = Array.from({ length: 4 }, () =>
      fetch(`${cluster.url}/__test/slow?ms=${SLOW_MS}`).then(
        async (response) => ({ status: response.status, body: (await response.json()) as unknown }),
        (error: unknown) => ({ status: 0, body: String(error) }),
      ),
    );
    await sleep(500);
    const signalledAt = performance.now();
    process.kill(cluster.pid, 'SIGTERM');

    // During the shutdown delay the server still accepts, and /readyz says it is leaving as
    // soon as the workers heard of the signal (an IPC message: a few milliseconds).
    const readiness: { ms: number; status: number }[] = [];
    while (performance.now() - signalledAt < SHUTDOWN_DELAY_S * 1000 - 200) {
      const response = await fetch(`${cluster.url}/readyz`, {
        headers: { connection: 'close' },
      }).catch(() => undefined);
      if (response) {
        readiness.push({ ms: performance.now() - signalledAt, status: response.status });
        await response.arrayBuffer();
      }
      await sleep(50);
    }
    const firstUnready = readiness.findIndex((probe) => probe.status === 503);
    expect(firstUnready).toBeGreaterThanOrEqual(0);
    expect(readiness[firstUnready]?.ms).toBeLessThan(500);
    expect(readiness.slice(firstUnready).every((probe) => probe.status === 503)).toBe(true);

    const answers = await Promise.all(slow);
    for (const answer of answers) expect(answer).toEqual({ status: 200, body: { slept: SLOW_MS } });

    const exit = await cluster.exited;
    const seconds = (performance.now() - signalledAt) / 1000;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(seconds).toBeLessThan(SHUTDOWN_DELAY_S + GRACEFUL_TIMEOUT_S);
    // In-flight work was waited for, not cut: the exit came after the slow requests.
    expect(seconds).toBeGreaterThan((SLOW_MS - 500) / 1000);

    // Clients were answered or refused a connection once the port closed — never a 5xx.
    const result = await load;
    expect(result.non2xx).toBe(0);
    expect(cluster.logs.some((line) => line.msg === 'shutting down: readiness fails now')).toBe(
      true,
    );
    expect(cluster.logs.filter((line) => line.msg === 'worker stopped')).toHaveLength(2);
  });
});
