/**
 * POST /api/v1/datasets/{id}/rows on a real server: the token, the three body formats, whole
 * batch or nothing, concurrent batches (with compactions running) counted exactly once, and
 * the rows visible to the data API at once.
 */
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LIVE_SETTINGS,
  type LiveServer,
  TEST_TOKEN,
  countRows,
  makeDataDir,
  postRows,
  spotsCsv,
  startLiveServer,
  removeDataDirs,
} from '../../../live/live-server.js';
import { rawUpload } from '../../../helpers/raw-upload.js';

const spot = (i: number, batch: string) => ({
  ts: `2024-06-01T12:${String(i % 60).padStart(2, '0')}:00Z`,
  freq: 7000 + i,
  band: '40m',
  call: `DL${i}X`,
  batch,
});

describe('ingestion', () => {
  let server: LiveServer;
  let cacheDir: string;

  beforeAll(async () => {
    const dirs = await makeDataDir({
      'spots.csv': spotsCsv(50),
      'static.csv': 'a,b\n1,2\n',
      'dashport.yaml': LIVE_SETTINGS,
    });
    cacheDir = dirs.cacheDir;
    server = await startLiveServer(dirs);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('answers 401 without a token or with a wrong one, and reads no body', async () => {
    const body = JSON.stringify([spot(1, 'unauthorized')]);
    const missing = await postRows(server.url, 'spots', body, 'application/json', {});
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ code: 'DASHPORT_ERR_UNAUTHORIZED' });
    const wrong = await postRows(server.url, 'spots', body, 'application/json', {
      authorization: 'Bearer nope',
    });
    expect(wrong.status).toBe(401);
    expect(await countRows(server.url, 'spots')).toBe(50);
  });

  it('accepts a JSON array, NDJSON and CSV, and serves the rows at once', async () => {
    const json = await postRows(
      server.url,
      'spots',
      JSON.stringify([spot(1, 'json'), spot(2, 'json')]),
    );
    expect(json).toEqual({ status: 201, body: { inserted: 2 } });
    const ndjson = await postRows(
      server.url,
      'spots',
      `${JSON.stringify(spot(3, 'ndjson'))}\n${JSON.stringify(spot(4, 'ndjson'))}\n`,
      'application/x-ndjson',
    );
    expect(ndjson).toEqual({ status: 201, body: { inserted: 2 } });
    const csv = await postRows(
      server.url,
      'spots',
      'ts,freq,band,call,batch\n2024-06-01T13:00:00Z,7100,40m,"DL5,X",csv\n',
      'text/csv',
    );
    expect(csv).toEqual({ status: 201, body: { inserted: 1 } });
    expect(await countRows(server.url, 'spots')).toBe(55);
    const response = await fetch(
      `${server.url}/api/v1/datasets/spots/rows?batch=eq.csv&select=call,freq,ts`,
    );
    const rows = (await response.json()) as { rows: unknown[][] };
    expect(response.status, JSON.stringify(rows)).toBe(200);
    expect(rows.rows).toEqual([['DL5,X', 7100, '2024-06-01T13:00:00.000Z']]);
    const detail = (await (await fetch(`${server.url}/api/v1/datasets/spots`)).json()) as {
      rows: number;
    };
    expect(detail.rows).toBe(55);
  });

  it('rejects a batch with one bad row with 400 and writes nothing', async () => {
    const before = await countRows(server.url, 'spots');
    const segmentsBefore = await readdir(`${cacheDir}/live/spots`);
    const bad = [spot(10, 'bad'), spot(11, 'bad'), { ...spot(12, 'bad'), freq: 'not a number' }];
    const response = await postRows(server.url, 'spots', JSON.stringify(bad));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'DASHPORT_ERR_BAD_BODY',
      message: expect.stringContaining('row 3: column "freq"'),
    });
    expect(await countRows(server.url, 'spots')).toBe(before);
    expect(await readdir(`${cacheDir}/live/spots`)).toEqual(segmentsBefore);
  });

  it('names what is wrong: unsupported type 415, unknown dataset 404, non-live dataset 403', async () => {
    const plain = await postRows(server.url, 'spots', 'x', 'text/plain');
    expect(plain.status).toBe(415);
    expect(plain.body).toMatchObject({ message: expect.stringContaining('text/csv') });
    expect((await postRows(server.url, 'nope', '[]')).status).toBe(404);
    const frozen = await postRows(server.url, 'static', JSON.stringify([{ a: 1, b: 2 }]));
    expect(frozen.status).toBe(403);
    expect(frozen.body).toMatchObject({ message: expect.stringContaining('live: true') });
    const broken = await postRows(server.url, 'spots', '[{"ts": ', 'application/json');
    expect(broken.status).toBe(400);
  });

  it('answers a batch declared over DASHPORT_BODY_LIMIT_MB with a 413 the uploading client reads', async () => {
    // Issue 9, defect 2: the client keeps sending; it must read the 413, not a reset.
    const outcome = await rawUpload({
      port: Number(new URL(server.url).port),
      path: '/api/v1/datasets/spots/rows',
      contentLength: 200_000_000,
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.response?.status).toBe(413);
    expect(JSON.parse(outcome.response?.body ?? '{}')).toMatchObject({
      statusCode: 413,
      code: 'DASHPORT_ERR_BODY_TOO_LARGE',
    });
  });

  it('counts concurrent batches from several clients exactly once, compactions included', async () => {
    const before = await countRows(server.url, 'spots');
    const clients = 8;
    const batchesPerClient = 6;
    const rowsPerBatch = 25;
    const compactions: Promise<unknown>[] = [];
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        for (let b = 0; b < batchesPerClient; b += 1) {
          const tag = `c${client}b${b}`;
          const rows = Array.from({ length: rowsPerBatch }, (_, i) => ({
            ...spot(i, tag),
            call: `${tag}-${i}`,
          }));
          const response = await postRows(server.url, 'spots', JSON.stringify(rows));
          expect(response.status).toBe(201);
          if (b % 2 === 1) compactions.push(server.state.live.compact('spots'));
        }
      }),
    );
    await Promise.all(compactions);
    await server.state.catalog.refreshLive('spots');
    const total = clients * batchesPerClient * rowsPerBatch;
    expect(await countRows(server.url, 'spots')).toBe(before + total);
    const calls = (await (
      await fetch(`${server.url}/api/v1/datasets/spots/rows?select=call&call=like.c*&limit=10000`)
    ).json()) as {
      rows: string[][];
    };
    const names = calls.rows.map((row) => row[0]);
    expect(names).toHaveLength(total);
    expect(new Set(names).size).toBe(total);
    const files = await readdir(`${cacheDir}/live/spots`);
    expect(files.some((name) => name.startsWith('part-'))).toBe(true);
  });

  it('uses the token in constant time and never echoes it', async () => {
    const response = await postRows(server.url, 'spots', '[]', 'application/json', {
      authorization: `Bearer ${TEST_TOKEN}x`,
    });
    expect(response.status).toBe(401);
    expect(JSON.stringify(response.body)).not.toContain(TEST_TOKEN);
  });
});

afterAll(async () => {
  await removeDataDirs();
});
