import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { EMBED_MAX_TTL_SECONDS, parseExpiry } from './embed-expiry.js';

describe('parseExpiry', () => {
  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['12h', 43_200],
    ['7d', 604_800],
    [' 7D ', 604_800],
    ['365d', EMBED_MAX_TTL_SECONDS],
  ])('%s is %i seconds', (text, seconds) => {
    expect(parseExpiry(text)).toBe(seconds);
  });

  it.each(['', '7', 'd', '0d', '-1d', '1.5h', '7w', '366d', '9999999999999999d', '7 days'])(
    'refuses "%s", naming --expires and what is accepted',
    (text) => {
      expect(() => parseExpiry(text)).toThrow(UsageError);
      expect(() => parseExpiry(text)).toThrow(/--expires must be .*s, m, h or d.*at most 365d/);
      expect(() => parseExpiry(text)).toThrow(`got "${text}"`);
    },
  );

  it('takes a smaller maximum', () => {
    expect(parseExpiry('1h', 3600)).toBe(3600);
    expect(() => parseExpiry('61m', 3600)).toThrow(UsageError);
  });
});
