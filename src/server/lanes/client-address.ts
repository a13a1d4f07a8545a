/**
 * The client address of a request as Fastify's `request.ip` gives it under DASHPORT_TRUST_PROXY,
 * for lanes, which answer before Fastify builds a request: the rate limit and the access log
 * must see the same client on either path. Mirrors Fastify's own trust handling (and uses the
 * same proxy-addr package) so the two cannot disagree.
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { Config } from '../../config/config.js';

/** What Fastify's `trustProxy` option takes. */
export type TrustProxyOption = boolean | string | ((address: string, hop: number) => boolean);

/** DASHPORT_TRUST_PROXY as Fastify's option: a hop count trusts that many proxies from the peer. */
export function trustProxyOption(setting: Config['trustProxy']): TrustProxyOption {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

export function createClientAddress(
  trust: TrustProxyOption,
): (request: IncomingMessage) => string | undefined {
  if (trust === false) return (request) => request.socket.remoteAddress;
  const trusted =
    typeof trust === 'function'
      ? trust
      : trust === true
        ? () => true
        : proxyAddr.compile(trust.split(',').map((part) => part.trim()));
  return (request) => {
    const addresses = proxyAddr.all(request, trusted);
    return addresses[addresses.length - 1];
  };
}
