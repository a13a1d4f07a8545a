/**
 * The SSE hub on real sockets: delivery, duplicate ids, heartbeats, resume after
 * Last-Event-ID, the gap event, a slow client dropped instead of buffered, and shutdown.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type SseHub, type SseHubOptions, createSseHub } from '../../src/live/sse-hub.js';

interface Harness {
  hub: SseHub;
  port: number;
  close(): Promise<void>;
}

async function serve(options: SseHubOptions): Promise<Harness> {
  const hub = createSseHub(options);
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const last = request.headers['last-event-id'];
    hub.attach(
      url.searchParams.get('dataset') ?? 'd',
      response,
      typeof last === 'string' ? last : undefined,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    hub,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        hub.closeAll();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads an SSE stream into text until `until` matches or the stream ends. */
async function read(
  port: number,
  headers: Record<string, string>,
  until: (text: string) => boolean,
  dataset = 'd',
) {
  const controller = new AbortController();
  const response = await fetch(`http://127.0.0.1:${port}/?dataset=${dataset}`, {
    headers,
    signal: controller.signal,
  });
  const reader = response.body?.getReader();
  let text = '';
  const decoder = new TextDecoder();
  const done = (async () => {
    for (;;) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) return text;
      text += decoder.decode(chunk.value);
      if (until(text)) {
        controller.abort();
        return text;
      }
    }
  })().catch(() => text);
  return { done, abort: () => controller.abort(), text: () => text };
}

const event = (id: string, dataset = 'd') => ({
  id,
  dataset,
  type: 'rows' as const,
  data: { n: id },
});

describe('createSseHub', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('delivers events of its dataset once, with id, type and JSON data', async () => {
    harness = await serve({});
    const stream = await read(harness.port, {}, (text) => text.includes('id: 2'));
    const other = await read(harness.port, {}, () => false, 'other');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(harness.hub.connections()).toBe(2);
    expect(harness.hub.deliver(event('1'))).toBe(true);
    expect(harness.hub.deliver(event('1'))).toBe(false);
    harness.hub.deliver(event('2'));
    const text = await stream.done;
    expect(text).toContain('retry: 2000');
    expect(text).toContain('id: 1\nevent: rows\ndata: {"n":"1"}\n\n');
    expect(text.match(/id: 1\n/g)).toHaveLength(1);
    other.abort();
    expect(other.text()).not.toContain('id: 1');
  });

  it('sends heartbeats to idle clients', async () => {
    harness = await serve({ heartbeatMs: 50 });
    const stream = await read(
      harness.port,
      {},
      (text) => (text.match(/: heartbeat/g) ?? []).length >= 2,
    );
    expect(await stream.done).toMatch(/: heartbeat\n\n/);
  });

  it('replays what followed Last-Event-ID, and sends a version event for an unknown id', async () => {
    harness = await serve({ versionOf: () => 'v9' });
    for (const id of ['a', 'b', 'c']) harness.hub.deliver(event(id));
    const resumed = await read(harness.port, { 'last-event-id': 'a' }, (text) =>
      text.includes('id: c'),
    );
    const text = await resumed.done;
    expect(text).not.toContain('id: a\n');
    expect(text.indexOf('id: b')).toBeLessThan(text.indexOf('id: c'));
    const gap = await read(harness.port, { 'last-event-id': 'zzz' }, (t) =>
      t.includes('event: version'),
    );
    expect(await gap.done).toContain('data: {"dataset":"d","version":"v9","reason":"resume-gap"}');
  });

  it('drops a client that does not read instead of buffering without bound', async () => {
    const drops: string[] = [];
    harness = await serve({
      maxBufferedBytes: 64 * 1024,
      onDrop: (dataset) => drops.push(dataset),
    });
    // A raw socket that sends the request and never reads: the kernel buffers fill, then ours.
    const socket = net.connect(harness.port, '127.0.0.1');
    socket.pause();
    socket.write('GET /?dataset=d HTTP/1.1\r\nHost: x\r\n\r\n');
    const reader = await read(harness.port, {}, () => false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(harness.hub.connections()).toBe(2);
    const payload = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 2000 && harness.hub.connections() === 2; i += 1) {
      harness.hub.deliver({ id: `e${i}`, dataset: 'd', type: 'rows', data: payload });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(drops).toEqual(['d']);
    expect(harness.hub.stats().dropped).toBe(1);
    expect(harness.hub.connections()).toBe(1);
    reader.abort();
    socket.destroy();
  });

  it('tells clients to reconnect at shutdown', async () => {
    harness = await serve({});
    const stream = await read(harness.port, {}, () => false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    harness.hub.closeAll();
    const text = await stream.done;
    expect(text).toContain(': server restarting');
    expect(harness.hub.connections()).toBe(0);
  });
});
