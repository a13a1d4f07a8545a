import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCluster, sleep, startCluster } from './cluster-harness.js';

describe('dashport serve: SIGHUP', () => {
  let cluster: RunningCluster;

  beforeAll(async () => {
    cluster = await startCluster({ env: { DASHPORT_WORKERS: '2' } });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('restarts every worker during 10 s of load without a failed request', async () => {
    const before = cluster.workerPids();
    expect(before).toHaveLength(2);
    const load = autocannon({
      url: `${cluster.url}/api/v1/datasets`,
      connections: 32,
      duration: 10,
    });
    await sleep(2_000);
    process.kill(cluster.pid, 'SIGHUP');
    const result = await load;

    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result['2xx']).toBeGreaterThan(1_000);

    await cluster.waitForLog((line) => line.msg === 'rolling restart complete');
    const after = cluster.workerPids();
    expect(after).toHaveLength(2);
    expect(after.filter((pid) => before.includes(pid))).toEqual([]);
    expect(await cluster.metric('dashport_worker_restarts_total{reason="reload"}')).toBe(2);
  });
});
