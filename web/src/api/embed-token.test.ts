import { describe, expect, it } from 'vitest';
import { matchRoute } from '../router/location.js';
import { embedClaims, embedToken, initEmbedToken, withEmbedToken } from './embed-token.js';

function token(payload: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  const json = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  return `eyJhbGciOiJIUzI1NiJ9.${json}.signature`;
}

describe('embed token in the web app', () => {
  it('routes /embed/<id>', () => {
    expect(matchRoute('/embed/management-tools')).toEqual({
      page: 'embed',
      id: 'management-tools',
    });
    expect(matchRoute('/embed/a%20b/')).toEqual({ page: 'embed', id: 'a b' });
    expect(matchRoute('/embed/')).toEqual({ page: 'not-found' });
  });

  it('is taken from the URL of an embed page only, and added to URLs that cannot send headers', () => {
    initEmbedToken('/dashboards/tools', '?embed_token=abc');
    expect(embedToken()).toBeUndefined();
    expect(withEmbedToken('/api/v1/datasets/t/events')).toBe('/api/v1/datasets/t/events');
    initEmbedToken('/embed/tools', '?source=x&embed_token=a.b-c_d');
    expect(embedToken()).toBe('a.b-c_d');
    expect(withEmbedToken('/api/v1/datasets/t/events')).toBe(
      '/api/v1/datasets/t/events?embed_token=a.b-c_d',
    );
    expect(withEmbedToken('/rows?format=csv')).toBe('/rows?format=csv&embed_token=a.b-c_d');
    initEmbedToken('/embed/tools', '');
    expect(embedToken()).toBeUndefined();
  });

  it('reads the locked filters and the expiry from the claims', () => {
    expect(embedClaims(token({ dsh: 'tools', flt: { tool: 'Zoë', n: 1 }, exp: 10 }))).toEqual({
      dashboard: 'tools',
      filters: { tool: 'Zoë' },
      expiresAt: 10_000,
    });
    expect(embedClaims(token({ flt: {} }))).toBeUndefined();
    expect(embedClaims('not-a-token')).toBeUndefined();
    expect(embedClaims('a.%%%.c')).toBeUndefined();
  });
});
