/**
 * Issue 9, defect 2: a client that declares a body over the limit and keeps uploading reads
 * the 413 instead of a connection reset, and the discarding that makes this possible stops at
 * its bounds of time and bytes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LINGER_MAX_BYTES,
  LINGER_MAX_MS,
  lingerOnClose,
} from '../../../src/server/plugins/lingering-close.js';
import { rawUpload } from '../../helpers/raw-upload.js';
import { type EdgeApp, createEdgeApp } from './edge-app.js';

const SIXTEEN_MIB = 16 * 1024 * 1024;

describe('an oversize upload', () => {
  let edge: EdgeApp;
  let port: number;

  beforeAll(async () => {
    edge = await createEdgeApp({ bodyLimit: SIXTEEN_MIB });
    await edge.app.listen({ host: '127.0.0.1', port: 0 });
    port = (edge.app.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await edge?.close();
  });

  it.each([1_073_741_824, 200_000_000, 17_000_000])(
    'declaring %i bytes and still sending reads a 413 with the JSON error',
    async (contentLength) => {
      const outcome = await rawUpload({ port, path: '/api/v1/echo', contentLength });
      expect(outcome.error).toBeUndefined();
      expect(outcome.response?.status).toBe(413);
      expect(outcome.response?.headers['connection']).toBe('close');
      expect(outcome.response?.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(outcome.response?.body ?? '{}')).toMatchObject({
        statusCode: 413,
        error: 'Payload Too Large',
        code: 'DASHPORT_ERR_BODY_TOO_LARGE',
      });
      // The client kept writing for the whole read delay: it was not cut off at once.
      expect(outcome.bytesSent).toBeGreaterThanOrEqual(64 * 1024);
    },
  );

  it('is closed with FIN, not reset, once the client has sent what it declared', async () => {
    const outcome = await rawUpload({
      port,
      path: '/api/v1/echo',
      contentLength: SIXTEEN_MIB + 1024 * 1024,
      intervalMs: 0,
      readDelayMs: 0,
      stopAtResponse: false,
      sendAll: true,
    });
    expect(outcome.response?.status).toBe(413);
    expect(outcome.bytesSent).toBe(SIXTEEN_MIB + 1024 * 1024);
    expect(outcome.ending).toBe('end');
    expect(outcome.error).toBeUndefined();
  });
});

describe('lingerOnClose', () => {
  let server: http.Server;
  let port: number;
  // Each test sets the bounds it looks at.
  let limits = { maxMs: 600, maxBytes: 2 ** 40, pollMs: 10 };

  beforeAll(async () => {
    // Answers at once, before reading the body, as Fastify does for a declared length over its limit.
    server = http.createServer((request, response) => {
      lingerOnClose(request.socket, limits);
      response.writeHead(413, { connection: 'close', 'content-length': '2' }).end('no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('has documented defaults of 5 s and 64 MiB', () => {
    expect(LINGER_MAX_MS).toBe(5_000);
    expect(LINGER_MAX_BYTES).toBe(64 * 1024 * 1024);
  });

  it('stops discarding past its byte bound', async () => {
    // Far above what the kernel buffers of a loopback connection hold, so only reading gets there.
    limits = { maxMs: 10_000, maxBytes: 48 * 1024 * 1024, pollMs: 10 };
    // Never reads, writes as fast as it can: only the byte bound can end this.
    const outcome = await rawUpload({
      port,
      path: '/',
      contentLength: 2 ** 40,
      intervalMs: 0,
      readDelayMs: 60_000,
      stopAtResponse: false,
    });
    expect(outcome.ending).toBe('error');
    expect(outcome.elapsedMs).toBeLessThan(limits.maxMs);
    expect(outcome.bytesSent).toBeGreaterThan(limits.maxBytes);
    expect(outcome.bytesSent).toBeLessThan(limits.maxBytes * 2);
  });

  it('stops discarding past its time bound', async () => {
    limits = { maxMs: 600, maxBytes: 2 ** 40, pollMs: 10 };
    // 4 KiB every 20 ms never reaches the byte bound in time.
    const outcome = await rawUpload({
      port,
      path: '/',
      contentLength: 2 ** 40,
      chunkBytes: 4096,
      intervalMs: 20,
      readDelayMs: 60_000,
      stopAtResponse: false,
    });
    expect(outcome.ending).toBe('error');
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(limits.maxMs);
    expect(outcome.elapsedMs).toBeLessThan(limits.maxMs + 1_000);
  });
});
