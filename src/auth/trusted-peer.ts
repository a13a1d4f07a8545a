/**
 * Is the TCP peer one of the DASHPORT_TRUST_PROXY addresses? Proxy identity headers are
 * honoured only then: a client that reaches the port directly and sends `X-Forwarded-User`
 * gets nothing. Same vocabulary as Fastify's trustProxy (true, a hop count, addresses, CIDRs,
 * `loopback`, `linklocal`, `uniquelocal`), checked with node's BlockList.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

function addRange(list: BlockList, range: string): void {
  const [address = '', prefix] = range.split('/');
  const type = isIPv6(address) ? 'ipv6' : 'ipv4';
  if (prefix === undefined) list.addAddress(address, type);
  else list.addSubnet(address, Number(prefix), type);
}

/** A predicate over peer addresses for the DASHPORT_TRUST_PROXY value. */
export function createTrustedPeer(
  trustProxy: boolean | number | string,
): (address: string | undefined) => boolean {
  if (trustProxy === false || trustProxy === 0) return () => false;
  // `true` or a hop count: the operator says whoever connects is the proxy.
  if (trustProxy === true || typeof trustProxy === 'number') {
    return (address) => address !== undefined;
  }
  const list = new BlockList();
  for (const part of trustProxy.split(',')) {
    const entry = part.trim();
    for (const range of NAMED_RANGES[entry] ?? [entry]) addRange(list, range);
  }
  return (address) => {
    if (address === undefined) return false;
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
    const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
    if (isIPv4(plain)) return list.check(plain, 'ipv4');
    return isIPv6(plain) && list.check(plain, 'ipv6');
  };
}
