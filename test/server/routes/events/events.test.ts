/**
 * GET /api/v1/datasets/{id}/events on real servers: a POSTed batch arrives as a `rows` event,
 * Last-Event-ID resumes, and events cross process boundaries — through the shared cache dir
 * (workers of one host, no Redis) and through Redis pub/sub (replicas with their own disks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRedis, TEST_REDIS_URL } from '../../../resilience/private-redis.js';
import {
  LIVE_SETTINGS,
  type LiveServer,
  makeDataDir,
  postRows,
  spotsCsv,
  startLiveServer,
  removeDataDirs,
} from '../../../live/live-server.js';

interface SseEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

/** An SSE client collecting parsed events. */
async function subscribe(url: string, dataset: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/v1/datasets/${dataset}/events`, {
    headers,
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  let buffer = '';
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    for (;;) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(
          frame
            .split('\n')
            .filter((line) => !line.startsWith(':') && line.includes(': '))
            .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
        ) as Record<string, string>;
        if (fields['event'] !== undefined && fields['data'] !== undefined) {
          events.push({
            id: fields['id'] ?? '',
            event: fields['event'],
            data: JSON.parse(fields['data']) as Record<string, unknown>,
          });
        }
        end = buffer.indexOf('\n\n');
      }
    }
  })().catch(() => undefined);
  return {
    response,
    events,
    close: () => controller.abort(),
    async waitFor(predicate: (event: SseEvent) => boolean, timeoutMs = 1_000): Promise<SseEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(predicate);
        if (found !== undefined) return found;
        if (Date.now() > deadline)
          throw new Error(
            `no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

const batch = (tag: string, n = 2) =>
  JSON.stringify(
    Array.from({ length: n }, (_, i) => ({
      ts: '2024-06-01T10:00:00Z',
      freq: 7000 + i,
      band: '40m',
      call: `${tag}${i}`,
      batch: tag,
    })),
  );

describe('SSE events', () => {
  const servers: LiveServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  describe('one server', () => {
    let server: LiveServer;
    beforeAll(async () => {
      server = await startLiveServer(
        await makeDataDir({ 'spots.csv': spotsCsv(5), 'dashport.yaml': LIVE_SETTINGS }),
      );
      servers.push(server);
    });

    it('streams a POSTed batch as a rows event within a second', async () => {
      const client = await subscribe(server.url, 'spots');
      expect(client.response.status).toBe(200);
      expect(client.response.headers.get('content-type')).toContain('text/event-stream');
      expect(client.response.headers.get('x-request-id')).toBeTruthy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      expect((await postRows(server.url, 'spots', batch('a'))).status).toBe(201);
      const event = await client.waitFor((e) => e.event === 'rows');
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(event.id).toMatch(/^seg-\d{13}-/);
      expect(event.data).toMatchObject({
        dataset: 'spots',
        columns: ['ts', 'freq', 'band', 'call', 'batch'],
        rows: [
          ['2024-06-01T10:00:00.000Z', 7000, '40m', 'a0', 'a'],
          ['2024-06-01T10:00:00.000Z', 7001, '40m', 'a1', 'a'],
        ],
      });
      expect(event.data['version']).toBe(server.state.catalog.get('spots').version);
      client.close();
    });

    it('resumes after Last-Event-ID with the events missed', async () => {
      const first = await subscribe(server.url, 'spots');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await postRows(server.url, 'spots', batch('b'));
      const seen = await first.waitFor(
        (e) => e.event === 'rows' && (e.data['rows'] as unknown[][])[0]?.[4] === 'b',
      );
      first.close();
      await postRows(server.url, 'spots', batch('c'));
      await postRows(server.url, 'spots', batch('d'));
      const resumed = await subscribe(server.url, 'spots', { 'last-event-id': seen.id });
      await resumed.waitFor((e) => (e.data['rows'] as unknown[][] | undefined)?.[0]?.[4] === 'd');
      expect(resumed.events.map((e) => (e.data['rows'] as unknown[][])[0]?.[4])).toEqual([
        'c',
        'd',
      ]);
      resumed.close();
    });

    it('answers 404 for an unknown dataset before streaming', async () => {
      const response = await fetch(`${server.url}/api/v1/datasets/nope/events`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'DASHPORT_ERR_DATASET_NOT_FOUND' });
    });
  });

  it('reaches the clients of another process sharing the cache dir, without Redis', async () => {
    const dirs = await makeDataDir({ 'spots.csv': spotsCsv(5), 'dashport.yaml': LIVE_SETTINGS });
    const a = await startLiveServer(dirs);
    const b = await startLiveServer(dirs);
    servers.push(a, b);
    const client = await subscribe(b.url, 'spots');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await postRows(a.url, 'spots', batch('x', 3));
    const event = await client.waitFor((e) => e.event === 'rows');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((event.data['rows'] as unknown[][]).map((row) => row[3])).toEqual(['x0', 'x1', 'x2']);
    const count = (await (
      await fetch(`${b.url}/api/v1/datasets/spots/aggregate?agg=count&batch=eq.x`)
    ).json()) as {
      series: { y: number[] }[];
    };
    expect(count.series[0]?.y[0]).toBe(3);
    client.close();
  });

  it('reaches the clients of a replica with its own disk through Redis', async () => {
    await requireRedis();
    const env = { REDIS_URL: TEST_REDIS_URL };
    const a = await startLiveServer(
      await makeDataDir({ 'spots.csv': spotsCsv(5), 'dashport.yaml': LIVE_SETTINGS }),
      env,
    );
    const b = await startLiveServer(
      await makeDataDir({ 'spots.csv': spotsCsv(5), 'dashport.yaml': LIVE_SETTINGS }),
      env,
    );
    servers.push(a, b);
    const client = await subscribe(b.url, 'spots');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await postRows(a.url, 'spots', batch('r', 1));
    const event = await client.waitFor(
      (e) => e.event === 'rows' && (e.data['rows'] as unknown[][])[0]?.[4] === 'r',
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(event.id).toMatch(/^seg-/);
    client.close();
  });
});

afterAll(async () => {
  await removeDataDirs();
});
