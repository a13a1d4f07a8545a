import { describe, expect, it } from 'vitest';
import { signEmbed, signSession, verifyEmbed, verifySession } from './session-claims.js';
import { createTokenSigner } from './signed-token.js';

const SECRET = 'a'.repeat(32);

describe('session and embed tokens', () => {
  it('round-trips a session and refuses it as an embed token', async () => {
    const signer = createTokenSigner(SECRET);
    const token = await signSession(signer, { name: 'ada', groups: ['ops'], source: 'basic' }, 60);
    expect(await verifySession(signer, token)).toMatchObject({ name: 'ada', groups: ['ops'] });
    expect(await verifyEmbed(signer, token)).toBeUndefined();
  });

  it('refuses a tampered, a forged and an expired token', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const signer = createTokenSigner(SECRET, () => now);
    const token = await signEmbed(signer, 'tools', { tool: 'Benchmarking' }, 60);
    expect(await verifyEmbed(signer, token)).toMatchObject({ dashboard: 'tools' });

    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
      flt: Record<string, string>;
    };
    claims.flt = { tool: 'Other' };
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect(await verifyEmbed(signer, tampered)).toBeUndefined();

    const forger = createTokenSigner('b'.repeat(32), () => now);
    expect(await verifyEmbed(signer, await signEmbed(forger, 'tools', {}, 60))).toBeUndefined();

    now += 61_000;
    expect(await verifyEmbed(signer, token)).toBeUndefined();
  });
});
