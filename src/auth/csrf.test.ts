import { describe, expect, it } from 'vitest';
import { isSafeMethod, isSameOrigin } from './csrf.js';

describe('isSameOrigin', () => {
  const noPublic = undefined;
  it.each([
    [{ host: 'dash.local:8050', origin: 'http://dash.local:8050' }, noPublic, true],
    [{ host: 'dash.local:8050', origin: 'http://evil.example' }, noPublic, false],
    [{ host: 'dash.local:8050', referer: 'http://dash.local:8050/d/x?y=1' }, noPublic, true],
    [{ host: 'dash.local:8050', referer: 'http://dash.local:9999/' }, noPublic, false],
    [{ host: 'dash.local:8050' }, noPublic, false],
    [{ host: 'dash.local:80', origin: 'http://dash.local' }, noPublic, true],
    [{ host: 'bad host', origin: 'http://dash.local' }, noPublic, false],
    [{ host: 'dash.local:8050', origin: 'null' }, noPublic, false],
    [
      { host: '10.0.0.5:8050', origin: 'https://dash.example.com' },
      'https://dash.example.com/app',
      true,
    ],
    [
      { host: 'dash.example.com', origin: 'https://dash.example.com.evil.io' },
      'https://dash.example.com',
      false,
    ],
  ])('%o with %o → %s', (headers, publicUrl, expected) => {
    expect(isSameOrigin(headers, publicUrl)).toBe(expected);
  });

  it('knows the safe methods', () => {
    expect(['GET', 'head', 'OPTIONS'].every(isSafeMethod)).toBe(true);
    expect(['POST', 'PUT', 'DELETE', 'PATCH'].some(isSafeMethod)).toBe(false);
  });
});
