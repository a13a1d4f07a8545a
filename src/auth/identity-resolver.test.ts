import { describe, expect, it } from 'vitest';
import {
  createBasicResolver,
  createKeyResolver,
  createProxyResolver,
} from './credential-resolvers.js';
import { createEmbedResolver } from './embed-resolver.js';
import { type IdentityResolver, carriesCredential } from './identity-resolver.js';
import type { PasswordVerifier } from './password-verifier.js';
import { SESSION_COOKIE, signSession } from './session-claims.js';
import { createSessionResolver } from './session-resolver.js';
import { createTokenSigner } from './signed-token.js';

const signer = createTokenSigner('c'.repeat(32));
const ada = Object.freeze({
  kind: 'user',
  name: 'ada',
  groups: ['finance'],
  source: 'basic',
  viaCookie: false,
} as const);
const verifier: PasswordVerifier = { verify: () => Promise.resolve(ada) };
const resolvers: IdentityResolver[] = [
  createEmbedResolver(signer),
  createBasicResolver(verifier, { challenge: 'Basic' }),
  createKeyResolver({ apiToken: 'token-token-token', keys: () => Promise.resolve([]) }),
  createProxyResolver({
    userHeader: 'x-forwarded-user',
    groupsHeader: undefined,
    trusted: () => true,
  }),
  createSessionResolver(signer),
];

/** Headers, cookies and parameters no resolver reads. */
const ordinary = {
  headers: {
    host: 'dashport.example',
    'user-agent': 'curl/8',
    accept: 'application/json',
    'x-request-id': 'abc',
    'x-forwarded-for': '203.0.113.9',
    cookie: 'theme=dark; other_session=1',
  },
  query: { x: 'team', agg: 'count', 'filter.team': 'eq.a' },
};

describe('carriesCredential', () => {
  it('finds no credential on a request that carries none', () => {
    expect(carriesCredential(resolvers, ordinary)).toBe(false);
  });

  it.each([
    ['HTTP Basic', { headers: { authorization: 'Basic YWRhOnB3' } }],
    ['a bearer key', { headers: { authorization: 'Bearer dpk_x' } }],
    ['a proxy identity header', { headers: { 'x-forwarded-user': 'ada' } }],
    ['an embed header', { headers: { 'x-dashport-embed': 'token' } }],
    ['an embed parameter', { query: { embed_token: 'token' } }],
    ['a session cookie', { headers: { cookie: `theme=dark; ${SESSION_COOKIE}=x` } }],
  ])('finds %s', (_name, extra) => {
    const request = {
      headers: { ...ordinary.headers, ...('headers' in extra ? extra.headers : {}) },
      query: { ...ordinary.query, ...('query' in extra ? extra.query : {}) },
    };
    expect(carriesCredential(resolvers, request)).toBe(true);
  });

  // What the answer lane relies on: a request without any declared credential is anonymous.
  it('agrees with the resolvers: none of them recognises a request without its places', async () => {
    const request = { ...ordinary, cookies: { theme: 'dark' }, ip: '127.0.0.1', socket: {} };
    for (const resolver of resolvers) {
      await expect(Promise.resolve(resolver.resolve(request))).resolves.toBeUndefined();
    }
  });

  it('and each recognises its credential in a place it declares', async () => {
    const session = await signSession(signer, ada, 3600);
    const request = {
      headers: { cookie: `${SESSION_COOKIE}=${session}` },
      query: {},
      cookies: { [SESSION_COOKIE]: session },
      ip: '127.0.0.1',
      socket: {},
    };
    const sessionResolver = resolvers[4] as IdentityResolver;
    expect(sessionResolver.carriedIn.cookies).toContain(SESSION_COOKIE);
    await expect(Promise.resolve(sessionResolver.resolve(request))).resolves.toMatchObject({
      name: 'ada',
    });
  });
});
