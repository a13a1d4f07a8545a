/**
 * The source watcher and SQL datasets: when a file a SQL dataset reads changes on disk, the
 * running server rebuilds that file's dataset and then the SQL dataset over it, serves the new
 * answer and announces the new version (issue 11).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, makeDataDir, removeDataDirs, startLiveServer } from './live-server.js';

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function totals(url: string): Promise<Record<string, number>> {
  const response = await fetch(`${url}/api/v1/datasets/team-totals/rows?order=team`);
  const body = (await response.json()) as { rows: [string, number][] };
  return Object.fromEntries(body.rows);
}

describe('a SQL dataset whose source changes on disk', () => {
  let server: LiveServer;
  let dataDir: string;

  beforeAll(async () => {
    const dirs = await makeDataDir({
      'scores.csv': 'player,points\nada,3\nbob,4\ncy,5\n',
      'teams.csv': 'player,team\nada,red\nbob,red\ncy,blue\n',
      'team-totals.sql':
        'SELECT team, sum(points) AS points\nFROM scores JOIN teams USING (player)\nGROUP BY team\n',
    });
    dataDir = dirs.dataDir;
    server = await startLiveServer(dirs, {}, { watchSources: true });
  });

  afterAll(async () => {
    await server?.close();
    await removeDataDirs();
  });

  it('is rebuilt by the watcher after the file it reads, and serves the new totals', async () => {
    expect(await totals(server.url)).toEqual({ blue: 5, red: 7 });
    const before = server.state.catalog.get('team-totals').version;
    await writeFile(path.join(dataDir, 'teams.csv'), 'player,team\nada,red\nbob,blue\ncy,blue\n');
    await waitFor(
      async () => (await totals(server.url))['blue'] === 9,
      30_000,
      'the rebuilt SQL dataset',
    );
    expect(await totals(server.url)).toEqual({ blue: 9, red: 3 });
    expect(server.state.catalog.get('team-totals').version).not.toBe(before);
  });
});
