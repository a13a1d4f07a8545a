/**
 * A server killed (SIGKILL) while batches are being written: after a restart on the same
 * cache dir every batch is either entirely visible or not at all.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import {
  LIVE_SETTINGS,
  countRows,
  makeDataDir,
  postRows,
  spotsCsv,
  startLiveServer,
  removeDataDirs,
} from '../../../live/live-server.js';
import { spawnLiveServer } from '../../../live/spawn-live-server.js';

const ROWS_PER_BATCH = 2_000;
describe('kill mid-ingest', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('leaves no partial batch visible after a restart', async () => {
    const dirs = await makeDataDir({ 'spots.csv': spotsCsv(10), 'dashport.yaml': LIVE_SETTINGS });
    const { child, url } = await spawnLiveServer(dirs.dataDir, dirs.cacheDir);
    children.push(child);
    let sent = 0;
    let acknowledged = 0;
    let stop = false;
    const writer = async (worker: number): Promise<void> => {
      for (let b = 0; !stop; b += 1) {
        const tag = `w${worker}b${b}`;
        const rows = Array.from({ length: ROWS_PER_BATCH }, (_, i) => ({
          ts: '2024-06-01T00:00:00Z',
          freq: i,
          band: '20m',
          call: `${tag}-${i}`,
          batch: tag,
        }));
        sent += 1;
        const response = await postRows(url, 'spots', JSON.stringify(rows)).catch(() => undefined);
        if (response?.status === 201) acknowledged += 1;
      }
    };
    const writers = Array.from({ length: 4 }, (_, worker) => writer(worker));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    stop = true;
    await Promise.all(writers);
    expect(acknowledged).toBeGreaterThan(0);
    // Batches were in flight when the server died.
    expect(sent).toBeGreaterThan(acknowledged);

    const restarted = await startLiveServer(dirs);
    try {
      const response = await fetch(
        `${restarted.url}/api/v1/datasets/spots/aggregate?x=batch&agg=count`,
      );
      const body = (await response.json()) as { x: string[]; series: { y: number[] }[] };
      const counts = new Map(body.x.map((tag, i) => [tag, body.series[0]?.y[i]]));
      counts.delete('seed');
      expect(counts.size).toBeGreaterThanOrEqual(acknowledged);
      expect(counts.size).toBeLessThanOrEqual(sent);
      for (const [tag, count] of counts) expect(count, tag).toBe(ROWS_PER_BATCH);
      expect(await countRows(restarted.url, 'spots')).toBe(10 + counts.size * ROWS_PER_BATCH);
    } finally {
      await restarted.close();
    }
  });
});

afterAll(async () => {
  await removeDataDirs();
});
