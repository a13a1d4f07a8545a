import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushSentry, initSentry, scrubEvent } from '../../../src/server/plugins/sentry.js';
import { until } from '../../supervisor/cluster-harness.js';
import { type EdgeApp, createEdgeApp } from './edge-app.js';

interface Envelope {
  readonly path: string;
  readonly text: string;
  readonly items: Record<string, unknown>[];
}

/** A Sentry ingestion endpoint on loopback: stores every envelope it is sent. */
async function startReceiver(): Promise<{
  server: http.Server;
  port: number;
  envelopes: Envelope[];
}> {
  const envelopes: Envelope[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const text = body.toString('utf8');
      const items = text
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          try {
            return JSON.parse(line) as Record<string, unknown>;
          } catch {
            return {};
          }
        });
      envelopes.push({ path: request.url ?? '', text, items });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, envelopes };
}

function events(envelopes: readonly Envelope[]): Record<string, unknown>[] {
  return envelopes.flatMap((e) =>
    e.items.filter((item) => 'exception' in item || 'message' in item),
  );
}

describe('Sentry', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let edge: EdgeApp;
  let url: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    const started = await initSentry(
      {
        sentryDsn: `http://publickey@127.0.0.1:${receiver.port}/1`,
        sentryTracesSampleRate: 1,
        env: 'production',
        version: '0.0.0-test',
      },
      'worker',
    );
    expect(started).toBe(true);
    edge = await createEdgeApp({ production: true });
    url = await edge.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await edge?.close();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it('sends an unhandled error with the request id and route, scrubbed of secrets', async () => {
    const response = await fetch(`${url}/api/v1/boom`, {
      headers: {
        'x-request-id': 'sentry-req-1',
        authorization: 'Bearer top-secret-token',
        cookie: 'sid=abc',
      },
    });
    expect(response.status).toBe(500);
    await flushSentry();
    const event = await until(
      () =>
        events(receiver.envelopes).find(
          (e) => (e.tags as Record<string, string> | undefined)?.request_id === 'sentry-req-1',
        ),
      10_000,
      'the error event',
    );
    expect(event.tags).toMatchObject({
      request_id: 'sentry-req-1',
      route: '/api/v1/boom',
      method: 'GET',
    });
    const exception = (event.exception as { values: { value: string }[] }).values[0];
    expect(exception?.value).toBe('connect failed: postgres://app:***@db/x');
    const everything = receiver.envelopes.map((e) => e.text).join('\n');
    expect(receiver.envelopes[0]?.path).toContain('/api/1/envelope/');
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain('top-secret-token');
    expect(everything).not.toContain('sid=abc');
  });

  it('reports a 5xx answered without an exception, but not a deliberate 503', async () => {
    await fetch(`${url}/api/v1/upstream`, { headers: { 'x-request-id': 'sentry-req-2' } });
    await fetch(`${url}/api/v1/warming`, { headers: { 'x-request-id': 'sentry-req-3' } });
    await flushSentry();
    const event = await until(
      () =>
        events(receiver.envelopes).find(
          (e) => (e.tags as Record<string, string> | undefined)?.request_id === 'sentry-req-2',
        ),
      10_000,
      'the 502 event',
    );
    expect(event.message).toBe('GET /api/v1/upstream answered 502');
    expect(
      events(receiver.envelopes).some(
        (e) => (e.tags as Record<string, string> | undefined)?.request_id === 'sentry-req-3',
      ),
    ).toBe(false);
  });

  it('traces requests at SENTRY_TRACES_SAMPLE_RATE', async () => {
    await fetch(`${url}/api/v1/things/5`);
    await flushSentry();
    await until(
      () =>
        receiver.envelopes.find((e) =>
          e.items.some((item) => item.type === 'transaction' || item.type === 'span'),
        ),
      10_000,
      'a trace envelope',
    );
  });
});

describe('scrubEvent', () => {
  it('removes secret headers, cookies, bodies and URL passwords', () => {
    const event = scrubEvent({
      type: undefined,
      message: 'failed at redis://:pw@cache:6379',
      request: {
        url: 'http://h/api?x=postgres://u:p4ss@db/x',
        headers: { Authorization: 'Bearer t', 'x-api-key': 'k', accept: 'application/json' },
        cookies: { sid: 'abc' },
        data: '{"password":"x"}',
      },
      exception: { values: [{ type: 'Error', value: 'postgres://u:p4ss@db/x is down' }] },
    });
    expect(event.request?.headers).toEqual({ accept: 'application/json' });
    expect(event.request?.cookies).toBeUndefined();
    expect(event.request?.data).toBeUndefined();
    expect(event.request?.url).toBe('http://h/api?x=postgres://u:***@db/x');
    expect(event.message).toBe('failed at redis://:***@cache:6379');
    expect(event.exception?.values?.[0]?.value).toBe('postgres://u:***@db/x is down');
  });
});
