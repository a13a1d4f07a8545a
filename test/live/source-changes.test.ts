/**
 * Change detection of file datasets: a source file appended to, or replaced, on disk is
 * rebuilt, served, and announced to SSE clients as a `version` event; the previous data is
 * served until the rebuild commits.
 */
import { appendFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LiveServer,
  countRows,
  makeDataDir,
  startLiveServer,
  removeDataDirs,
} from './live-server.js';

async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('source files changed on disk', () => {
  let server: LiveServer;
  let dataDir: string;
  let received = '';
  let abort: AbortController;

  beforeAll(async () => {
    const dirs = await makeDataDir({ 'readings.csv': 'day,value\n2024-01-01,1\n2024-01-02,2\n' });
    dataDir = dirs.dataDir;
    server = await startLiveServer(dirs, {}, { watchSources: true });
    abort = new AbortController();
    const response = await fetch(`${server.url}/api/v1/datasets/readings/events`, {
      signal: abort.signal,
    });
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      for (;;) {
        const chunk = await reader?.read();
        if (chunk === undefined || chunk.done) return;
        received += decoder.decode(chunk.value, { stream: true });
      }
    })().catch(() => undefined);
  });

  afterAll(async () => {
    abort?.abort();
    await server?.close();
  });

  it('rebuilds an appended file and sends a version event', async () => {
    const before = server.state.catalog.get('readings').version;
    await appendFile(path.join(dataDir, 'readings.csv'), '2024-01-03,3\n');
    await waitFor(
      async () => (await countRows(server.url, 'readings')) === 3,
      20_000,
      'the appended row',
    );
    const after = server.state.catalog.get('readings').version;
    expect(after).not.toBe(before);
    await waitFor(async () => received.includes('event: version'), 5_000, 'the version event');
    expect(received).toContain(`"version":"${after}"`);
  });

  it('rebuilds a replaced file', async () => {
    const next = path.join(dataDir, '.readings.next');
    await writeFile(next, 'day,value\n2024-02-01,10\n');
    await rename(next, path.join(dataDir, 'readings.csv'));
    await waitFor(
      async () => (await countRows(server.url, 'readings')) === 1,
      20_000,
      'the replaced data',
    );
    const sum = (await (
      await fetch(`${server.url}/api/v1/datasets/readings/aggregate?agg=sum&y=value`)
    ).json()) as {
      series: { y: number[] }[];
    };
    expect(sum.series[0]?.y[0]).toBe(10);
  });
});

afterAll(async () => {
  await removeDataDirs();
});
