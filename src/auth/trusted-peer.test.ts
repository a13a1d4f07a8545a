import { describe, expect, it } from 'vitest';
import { createTrustedPeer } from './trusted-peer.js';

describe('createTrustedPeer', () => {
  it.each([
    [false, '127.0.0.1', false],
    [true, '203.0.113.9', true],
    [1, '203.0.113.9', true],
    ['loopback', '127.0.0.1', true],
    ['loopback', '::ffff:127.0.0.1', true],
    ['loopback', '::1', true],
    ['loopback', '10.0.0.1', false],
    ['10.0.0.0/8,192.168.1.7', '10.4.5.6', true],
    ['10.0.0.0/8,192.168.1.7', '192.168.1.7', true],
    ['10.0.0.0/8,192.168.1.7', '192.168.1.8', false],
    ['uniquelocal', '172.20.0.3', true],
    ['uniquelocal', '8.8.8.8', false],
  ] as const)('%s trusts %s: %s', (setting, address, expected) => {
    expect(createTrustedPeer(setting)(address)).toBe(expected);
  });

  it('trusts no unknown peer', () => {
    expect(createTrustedPeer(true)(undefined)).toBe(false);
    expect(createTrustedPeer('loopback')('not-an-ip')).toBe(false);
  });
});
