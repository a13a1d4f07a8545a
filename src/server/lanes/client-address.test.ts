import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { type TrustProxyOption, createClientAddress, trustProxyOption } from './client-address.js';

/** Fastify's own `request.ip` under `trust`, next to the lane's answer for the same request. */
async function bothAddresses(
  trust: TrustProxyOption,
  headers: Record<string, string>,
  remoteAddress: string,
): Promise<{ fastify: string; lane: string | undefined }> {
  const app = Fastify({ trustProxy: trust });
  const clientAddress = createClientAddress(trust);
  app.get('/', (request) => ({ fastify: request.ip, lane: clientAddress(request.raw) }));
  try {
    const response = await app.inject({ method: 'GET', url: '/', headers, remoteAddress });
    return response.json();
  } finally {
    await app.close();
  }
}

describe('createClientAddress', () => {
  const forwarded = { 'x-forwarded-for': '203.0.113.9, 10.1.2.3' };
  const cases: [string, TrustProxyOption, string][] = [
    ['no proxy trusted', false, '10.0.0.1'],
    ['every proxy trusted', true, '10.0.0.1'],
    ['a CIDR list', '10.0.0.0/8,127.0.0.1', '10.0.0.1'],
    ['a CIDR list, from an untrusted peer', '10.0.0.0/8', '192.0.2.1'],
    ['one hop', trustProxyOption(1), '10.0.0.1'],
    ['two hops', trustProxyOption(2), '10.0.0.1'],
  ];
  it.each(cases)('gives what Fastify gives with %s', async (_name, trust, remoteAddress) => {
    const { fastify, lane } = await bothAddresses(trust, forwarded, remoteAddress);
    expect(lane).toBe(fastify);
  });

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    const { lane } = await bothAddresses(false, forwarded, '10.0.0.1');
    expect(lane).toBe('10.0.0.1');
  });
});
