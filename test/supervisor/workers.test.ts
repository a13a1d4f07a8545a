import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCluster, startCluster, until } from './cluster-harness.js';

describe('dashport serve: workers', () => {
  let cluster: RunningCluster;

  beforeAll(async () => {
    cluster = await startCluster({ env: { DASHPORT_WORKERS: '3' } });
  });

  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('starts three worker processes and logs why', async () => {
    expect(cluster.workerPids()).toHaveLength(3);
    const sizing = cluster.logs.find((line) => line.role === 'supervisor' && line.msg.startsWith('starting 3 workers'));
    expect(sizing?.msg).toContain('DASHPORT_WORKERS=3');
    const health = (await (await fetch(`${cluster.url}/health`)).json()) as { checks: { workers: unknown } };
    expect(health.checks.workers).toMatchObject({ status: 'healthy', alive: 3, expected: 3 });
  });

  it('replaces a SIGKILLed worker within a second and fails no request afterwards', async () => {
    const before = cluster.workerPids();
    const victim = before[0];
    if (victim === undefined) throw new Error('no worker');
    const killedAt = performance.now();
    process.kill(victim, 'SIGKILL');
    const replacement = await until(
      () => cluster.workerPids().find((pid) => !before.includes(pid)),
      5_000,
      'a replacement worker',
    );
    const spawnedMs = performance.now() - killedAt;
    expect(replacement).toBeGreaterThan(0);
    expect(spawnedMs).toBeLessThan(1_000);

    // Requests right after the kill go to the surviving workers, then to all three.
    const result = await autocannon({ url: `${cluster.url}/api/v1/datasets`, connections: 8, amount: 600 });
    expect(result.errors).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result['2xx']).toBe(600);

    await cluster.waitForWorkers(3);
    const readyMs = performance.now() - killedAt;
    console.info(`worker replaced: process spawned after ${Math.round(spawnedMs)} ms, serving after ${Math.round(readyMs)} ms`);
    expect(await cluster.metric('dashport_worker_restarts_total{reason="killed"}')).toBe(1);
  });
});
