import autocannon from 'autocannon';
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { type RunningCluster, startCluster, until } from './cluster-harness.js';

describe('dashport serve: recycling', () => {
  let cluster: RunningCluster | undefined;

  afterEach(async () => {
    await cluster?.cleanup();
    cluster = undefined;
  });

  it('recycles workers after DASHPORT_MAX_REQUESTS without a failed request', async () => {
    const running = await startCluster({
      env: {
        DASHPORT_WORKERS: '2',
        DASHPORT_MAX_REQUESTS: '500',
        DASHPORT_MAX_REQUESTS_JITTER: '100',
      },
    });
    cluster = running;
    onTestFailed(() => console.error(running.describe()));
    const before = running.workerPids();
    const result = await autocannon({
      url: `${running.url}/api/v1/datasets`,
      connections: 16,
      duration: 8,
    });
    expect(result.errors).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result['2xx']).toBeGreaterThan(1_200);
    // A replacement may still be starting when the load ends (the CPUs were busy with it).
    await until(
      async () =>
        (await running.metric('dashport_worker_restarts_total{reason="max_requests"}')) >= 1
          ? true
          : undefined,
      30_000,
      'a recycle after DASHPORT_MAX_REQUESTS',
    );
    await running.waitForWorkers(2);
    expect(
      running.workerPids().filter((pid) => !before.includes(pid)).length,
    ).toBeGreaterThanOrEqual(1);
  });

  it('a worker asks to be recycled as it reaches DASHPORT_MAX_REQUESTS, not at the next heartbeat', async () => {
    const running = await startCluster({
      env: {
        DASHPORT_WORKERS: '2',
        DASHPORT_MAX_REQUESTS: '40',
        DASHPORT_MAX_REQUESTS_JITTER: '5',
      },
    });
    cluster = running;
    onTestFailed(() => console.error(running.describe()));
    const before = running.workerPids();
    // 300 quick requests: over in well under the 1 s heartbeat on this machine.
    const result = await autocannon({
      url: `${running.url}/livez`,
      connections: 8,
      amount: 300,
    });
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result['2xx']).toBe(300);
    const asked = await running.waitForLog(
      (line) => line.msg === 'worker reached DASHPORT_MAX_REQUESTS; recycling',
      30_000,
    );
    // Asked at its limit (40 + up to 5 of jitter), not with whatever count a heartbeat carried.
    expect(asked.requests).toBeGreaterThanOrEqual(40);
    expect(asked.requests).toBeLessThanOrEqual(45);
    await until(
      async () =>
        (await running.metric('dashport_worker_restarts_total{reason="max_requests"}')) >= 1
          ? true
          : undefined,
      30_000,
      'a recycle after DASHPORT_MAX_REQUESTS',
    );
    await running.waitForWorkers(2);
    expect(running.workerPids().filter((pid) => !before.includes(pid)).length).toBeGreaterThan(0);
  }, 120_000);

  it('recycles the largest worker when memory passes the critical threshold', async () => {
    // 10% of 1 GiB is less than any real worker: memory is critical from the start.
    const running = await startCluster({
      env: {
        DASHPORT_WORKERS: '2',
        MEMORY_LIMIT_MB: '1024',
        DASHPORT_MEMORY_WARN: '5',
        DASHPORT_MEMORY_CRITICAL: '10',
      },
    });
    cluster = running;
    onTestFailed(() => console.error(running.describe()));
    interface Health {
      status: string;
      checks: { memory: { status: string; level: string; limit_bytes: number } };
    }
    // Right after a recycle the replacement is smaller than the worker it replaced, and the
    // level may read `warning` for a moment: wait for the report that says critical.
    const health = await until(
      async () => {
        const report = (await (await fetch(`${running.url}/health`)).json()) as Health;
        return report.checks.memory.level === 'critical' ? report : undefined;
      },
      30_000,
      'a critical memory report',
    );
    expect(health.status).toBe('degraded');
    expect(health.checks.memory).toMatchObject({
      status: 'degraded',
      level: 'critical',
      limit_bytes: 1024 * 1024 * 1024,
    });
    await until(
      async () =>
        (await running.metric('dashport_worker_restarts_total{reason="memory"}')) >= 1
          ? true
          : undefined,
      30_000,
      'a memory recycle',
    );
    await running.waitForWorkers(2);
  });
});
