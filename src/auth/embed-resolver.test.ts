import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../errors.js';
import { createEmbedResolver, embedTokenOf } from './embed-resolver.js';
import { signEmbed } from './session-claims.js';
import { createTokenSigner } from './signed-token.js';

const signer = createTokenSigner('r'.repeat(32));
const request = (headers: Record<string, string | string[]>, query: unknown = {}) => ({
  headers,
  query,
  cookies: {},
  socket: {},
  ip: '127.0.0.1',
});

describe('embedTokenOf', () => {
  it('reads the header first, then the query parameter', () => {
    expect(embedTokenOf(request({ 'x-dashport-embed': 'h' }, { embed_token: 'q' }))).toBe('h');
    expect(embedTokenOf(request({}, { embed_token: 'q' }))).toBe('q');
    expect(embedTokenOf(request({}, { embed_token: ['q1', 'q2'] }))).toBe('q1');
    expect(embedTokenOf(request({ 'x-dashport-embed': '' }, {}))).toBeUndefined();
    expect(embedTokenOf(request({}, undefined))).toBeUndefined();
  });
});

describe('the embed resolver', () => {
  const resolver = createEmbedResolver(signer);

  it('passes a request without a token to the next resolver', async () => {
    expect(await resolver.resolve(request({}))).toBeUndefined();
  });

  it('proves the embed identity of a valid token', async () => {
    const before = Date.now();
    const token = await signEmbed(signer, 'tools', { tool: 'B' }, 60);
    const identity = await resolver.resolve(request({ 'x-dashport-embed': token }));
    expect(identity).toEqual({
      kind: 'embed',
      dashboard: 'tools',
      filters: { tool: 'B' },
      expiresAt: expect.any(Number),
    });
    // The link's expiry, to the second: an event stream it opened ends then.
    const expiresAt = (identity as { expiresAt: number }).expiresAt;
    expect(expiresAt).toBeGreaterThan(before + 58_000);
    expect(expiresAt).toBeLessThanOrEqual(before + 61_000);
  });

  it('refuses a bad token with a 401 that does not repeat it', async () => {
    const forged = await signEmbed(createTokenSigner('f'.repeat(32)), 'tools', {}, 60);
    const attempt = resolver.resolve(request({}, { embed_token: forged }));
    await expect(attempt).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(resolver.resolve(request({}, { embed_token: forged }))).rejects.not.toThrow(
      forged,
    );
  });

  it('keeps a verified token until it expires, never past', async () => {
    let clock = Date.parse('2026-06-01T00:00:00Z');
    const timed = createTokenSigner('r'.repeat(32), () => clock);
    const cached = createEmbedResolver(timed, () => clock);
    const token = await signEmbed(timed, 'tools', {}, 60);
    expect(await cached.resolve(request({ 'x-dashport-embed': token }))).toMatchObject({
      dashboard: 'tools',
    });
    clock += 59_000;
    expect(await cached.resolve(request({ 'x-dashport-embed': token }))).toMatchObject({
      dashboard: 'tools',
    });
    clock += 2000;
    await expect(cached.resolve(request({ 'x-dashport-embed': token }))).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });
});
