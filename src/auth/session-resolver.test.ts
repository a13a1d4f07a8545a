import { describe, expect, it } from 'vitest';
import type { CredentialRequest } from './identity-resolver.js';
import { SESSION_COOKIE, signSession } from './session-claims.js';
import { createSessionResolver } from './session-resolver.js';
import { createTokenSigner } from './signed-token.js';

const request = (token: string): CredentialRequest => ({
  headers: {},
  cookies: { [SESSION_COOKIE]: token },
  query: {},
  ip: '127.0.0.1',
  socket: { remoteAddress: '127.0.0.1' },
});

describe('createSessionResolver', () => {
  it('remembers a verified token only until it expires', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const signer = createTokenSigner('k'.repeat(32), () => now);
    const resolver = createSessionResolver(signer, () => now);
    const token = await signSession(signer, { name: 'ada', groups: ['x'], source: 'basic' }, 60);
    expect(await resolver.resolve(request(token))).toMatchObject({ name: 'ada' });
    expect(await resolver.resolve(request(token))).toMatchObject({ name: 'ada' });
    now += 61_000;
    expect(await resolver.resolve(request(token))).toBeUndefined();
    expect(await resolver.resolve(request(`${token}x`))).toBeUndefined();
  });
});
