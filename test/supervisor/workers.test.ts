import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, HSTS_VALUE } from '../../src/server/plugins/security-headers.js';
import { type RunningCluster, startCluster, until } from './cluster-harness.js';

const run = promisify(execFile);

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
    const sizing = cluster.logs.find(
      (line) => line.role === 'supervisor' && line.msg.startsWith('starting 3 workers'),
    );
    expect(sizing?.msg).toContain('DASHPORT_WORKERS=3');
    const health = (await (await fetch(`${cluster.url}/health`)).json()) as {
      checks: { workers: unknown };
    };
    expect(health.checks.workers).toMatchObject({ status: 'healthy', alive: 3, expected: 3 });
  });

  it('sends the security headers on every kind of response', async () => {
    const kinds = [
      ['/api/v1/datasets', 200],
      ['/api/v1/datasets/notes/rows?limit=abc', 400],
      ['/api/v1/datasets/nope', 404],
      ['/no/such/page', 404],
      ['/health', 200],
      ['/health/quick', 200],
      ['/livez', 200],
      ['/readyz', 200],
      ['/metrics', 200],
      ['/api/v1/datasets/%E0%A4%A', 400],
    ] as const;
    for (const [url, status] of kinds) {
      const response = await fetch(`${cluster.url}${url}`, {
        headers: { 'x-request-id': 'hdr-check-1' },
      });
      await response.arrayBuffer();
      expect({ url, status: response.status }).toEqual({ url, status });
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('strict-transport-security')).toBe(HSTS_VALUE);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(response.headers.get('x-request-id')).toBe('hdr-check-1');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('aggregates /metrics over every worker and passes promtool', async () => {
    const result = await autocannon({
      url: `${cluster.url}/api/v1/datasets/notes`,
      connections: 6,
      amount: 300,
    });
    expect(result['2xx']).toBe(300);
    const key =
      'dashport_http_requests_total{method="GET",route="/api/v1/datasets/:id",status_code="200"}';
    expect(await cluster.metric(key)).toBe(300);
    const text = await (await fetch(`${cluster.url}/metrics`)).text();
    const file = path.join(os.tmpdir(), `dashport-cluster-metrics-${process.pid}.txt`);
    await writeFile(file, text);
    const check = await run('sh', ['-c', `promtool check metrics < "${file}"`]).then(
      (ok) => ok.stdout + ok.stderr,
      (error: { stdout: string; stderr: string }) => `FAILED ${error.stdout}${error.stderr}`,
    );
    expect(check).toBe('');
    expect(text).toContain('dashport_workers_alive 3');
    expect(text).toMatch(
      /dashport_cache_build_seconds_count\{dataset="notes",status="(built|fresh)"\} 1/,
    );
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
    const result = await autocannon({
      url: `${cluster.url}/api/v1/datasets`,
      connections: 8,
      amount: 600,
    });
    expect(result.errors).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result['2xx']).toBe(600);

    await cluster.waitForWorkers(3);
    const readyMs = performance.now() - killedAt;
    console.info(
      `worker replaced: process spawned after ${Math.round(spawnedMs)} ms, serving after ${Math.round(readyMs)} ms`,
    );
    expect(await cluster.metric('dashport_worker_restarts_total{reason="killed"}')).toBe(1);
  });
});
