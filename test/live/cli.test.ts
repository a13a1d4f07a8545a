/**
 * `dashport ingest` and `dashport demo-feed` against a running server.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoFeed } from '../../src/cli/demo-feed.js';
import { ingest } from '../../src/cli/ingest.js';
import {
  type LiveServer,
  TEST_TOKEN,
  countRows,
  makeDataDir,
  startLiveServer,
  removeDataDirs,
} from './live-server.js';

const SPOTS_SETTINGS = `datasets:
  spots:
    time_column: ts
    live: true
`;

describe('CLI: ingest and demo-feed', () => {
  let server: LiveServer;
  let root: string;

  beforeAll(async () => {
    const dirs = await makeDataDir({
      'spots.csv':
        'ts,frequency,band,mode,spotter,callsign,country\n2024-11-01T00:00:00Z,14074.5,20m,FT8,DL1A,K1ABC,United States\n',
      'dashport.yaml': SPOTS_SETTINGS,
    });
    root = dirs.root;
    server = await startLiveServer(dirs);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await server?.close();
  });

  it('ingests a CSV file in batches', async () => {
    const lines = ['ts,frequency,band,mode,spotter,callsign,country'];
    for (let i = 0; i < 2_500; i += 1)
      lines.push(`2024-11-02T00:00:00Z,${7000 + i / 100},40m,CW,DL1A,"K${i},X",United States`);
    const file = path.join(root, 'more.csv');
    await writeFile(file, `${lines.join('\n')}\n`);
    const inserted = await ingest('spots', file, {
      url: server.url,
      token: TEST_TOKEN,
      batchSize: '1000',
    });
    expect(inserted).toBe(2_500);
    expect(await countRows(server.url, 'spots')).toBe(2_501);
  });

  it('stops at a rejected batch, naming it and what was written before', async () => {
    const file = path.join(root, 'bad.ndjson');
    const good = JSON.stringify({
      ts: '2024-11-03T00:00:00Z',
      frequency: 1,
      band: '20m',
      mode: 'CW',
      spotter: 'A',
      callsign: 'B',
      country: 'C',
    });
    await writeFile(file, `${good}\n${good}\n${JSON.stringify({ ts: 'yesterday' })}\n`);
    const before = await countRows(server.url, 'spots');
    const error = await ingest('spots', file, {
      url: server.url,
      token: TEST_TOKEN,
      batchSize: '2',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'DASHPORT_ERR_BAD_BODY',
      message: expect.stringMatching(
        /^batch 2 of 2 \(after 2 rows inserted\): .* answered 400: body: line 1: column "ts"/,
      ),
    });
    expect(await countRows(server.url, 'spots')).toBe(before + 2);
    await expect(
      ingest('spots', file, { url: server.url, token: 'wrong', batchSize: '10' }),
    ).rejects.toMatchObject({
      code: 'DASHPORT_ERR_UNAUTHORIZED',
    });
  });

  it('demo-feed appends spots every tick', async () => {
    const before = await countRows(server.url, 'spots');
    const sent = await demoFeed({
      url: server.url,
      token: TEST_TOKEN,
      dataset: 'spots',
      interval: '20',
      rows: '4',
      count: '5',
      seed: '3',
    });
    expect(sent).toBeGreaterThanOrEqual(5);
    expect(await countRows(server.url, 'spots')).toBe(before + sent);
    const bands = (await (
      await fetch(
        `${server.url}/api/v1/datasets/spots/aggregate?x=band&agg=count&ts=gt.2024-12-01T00:00:00Z`,
      )
    ).json()) as {
      x: string[];
    };
    expect(bands.x.length).toBeGreaterThan(0);
  });
});

afterAll(async () => {
  await removeDataDirs();
});
