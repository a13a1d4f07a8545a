/**
 * `dashport serve DATA_DIR` as a real process: it answers /health and /api/v1/datasets over a
 * temp data dir, `status` and `healthcheck` read it, and SIGTERM stops it with exit code 0.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSummary, RowsResponse } from '../../src/shared/api-types.js';
import { type CliProcess, runCli, spawnCli } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';

const READY_TIMEOUT_MS = 60_000;

let tmp: TempDir;
let server: CliProcess;
let base: string;
let env: Record<string, string>;

/** Poll `url` until it answers 200 with every dataset ready. */
async function waitUntilReady(): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null)
      throw new Error(`serve exited early:\n${server.stdout()}${server.stderr()}`);
    try {
      const response = await fetch(`${base}/api/v1/datasets`);
      const body = (await response.json()) as { datasets?: DatasetSummary[] };
      last = JSON.stringify(body);
      if (
        response.ok &&
        body.datasets?.length === 2 &&
        body.datasets.every((dataset) => dataset.state === 'ready')
      )
        return;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `not ready within ${READY_TIMEOUT_MS} ms: ${last}\n${server.stdout()}${server.stderr()}`,
  );
}

beforeAll(async () => {
  tmp = await createTempDir('serve');
  await mkdir(tmp.join('data'));
  await writeFile(tmp.join('data', 'points.csv'), 'x,y\n1,2\n3,4\n5,6\n');
  await writeFile(tmp.join('data', 'tags.ndjson'), '{"tag":"a"}\n{"tag":"b"}\n');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DASHPORT_CACHE_DIR: tmp.join('cache'),
    DASHPORT_WORKERS: '1',
    DASHPORT_GRACEFUL_TIMEOUT: '10',
  };
  server = spawnCli(['serve', tmp.join('data')], { cwd: tmp.path, env });
  await waitUntilReady();
});

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  await tmp?.remove();
});

describe('dashport serve', () => {
  it('answers /health', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; service: string };
    expect(body.service).toBe('dashport');
    expect(['healthy', 'degraded']).toContain(body.status);
  });

  it('serves the data dir through /api/v1', async () => {
    const list = (await (await fetch(`${base}/api/v1/datasets`)).json()) as {
      datasets: DatasetSummary[];
    };
    expect(list.datasets.map((dataset) => [dataset.id, dataset.rows])).toEqual([
      ['points', 3],
      ['tags', 2],
    ]);
    const rows = (await (
      await fetch(`${base}/api/v1/datasets/points/rows?order=x.desc&limit=1`)
    ).json()) as RowsResponse;
    expect(rows.rows).toEqual([[5, 6]]);
  });

  it('`healthcheck --url` exits 0 and `status --url` prints the health table', async () => {
    const healthcheck = await runCli(['healthcheck', '--url', base, '--retries', '1'], {
      cwd: tmp.path,
    });
    expect(healthcheck.code, healthcheck.stderr).toBe(0);
    expect(healthcheck.stdout).toMatch(/^(healthy|degraded)\n$/);
    const status = await runCli(['status', '--url', base], { cwd: tmp.path });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^status\s+(healthy|degraded)$/m);
    expect(status.stdout).toMatch(/^service\s+dashport$/m);
  });

  it('stops with exit code 0 on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    const result = await server.exited;
    expect(result.signal).toBeNull();
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});
