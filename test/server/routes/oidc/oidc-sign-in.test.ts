/**
 * OpenID Connect sign-in end to end against a real provider (oidc-provider on a free port):
 * the login redirect carries PKCE S256, state and nonce; the callback sets the session cookie
 * with the groups claim and returns to `next`; a tampered, missing or replayed state, a wrong
 * nonce, a refused login, a wrong client secret and a provider that is down are each a clear
 * 4xx/503 — never a 500, never the client secret.
 */
import { mkdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, verifySession } from '../../../../src/auth/session-claims.js';
import { createTokenSigner } from '../../../../src/auth/signed-token.js';
import { buildApp } from '../../../../src/server/app.js';
import { createServerDeps } from '../../../../src/server/listen.js';
import { freePort } from '../../../helpers/free-port.js';
import {
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  type TestProvider,
  startTestProvider,
} from '../../../helpers/oidc-provider.js';
import { loginAtProvider } from '../../../helpers/provider-login.js';
import { type TempDir, createTempDir } from '../../../helpers/temp-dir.js';
import { testConfig } from '../../../helpers/test-app.js';

const PUBLIC_URL = 'http://dashport.test';
const CALLBACK = `${PUBLIC_URL}/auth/oidc/callback`;
const SECRET = 'oidc-test-session-secret-0123456789abcdef';
const signer = createTokenSigner(SECRET);

interface Dashport {
  readonly app: FastifyInstance;
  readonly logs: string[];
  close(): Promise<void>;
}

async function startDashport(tmp: TempDir, env: Record<string, string>): Promise<Dashport> {
  const dataDir = tmp.join(`data-${Math.random().toString(36).slice(2)}`);
  await mkdir(dataDir, { recursive: true });
  const config = testConfig(dataDir, tmp.join('cache'), {
    DASHPORT_AUTH: 'oidc',
    DASHPORT_SESSION_SECRET: SECRET,
    DASHPORT_PUBLIC_URL: PUBLIC_URL,
    DASHPORT_OIDC_CLIENT_ID: TEST_CLIENT_ID,
    DASHPORT_OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    ...env,
  });
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  const deps = await createServerDeps({ config, logger, buildCache: false, watchSources: false });
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    logs,
    async close() {
      await app.close();
      await deps.close();
    },
  };
}

function cookieFrom(setCookie: string | string[] | undefined, name: string): string | undefined {
  const lines = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  const line = lines.find((candidate) => candidate.startsWith(`${name}=`));
  return line?.split(';')[0]?.slice(name.length + 1);
}

function setCookieLine(setCookie: string | string[] | undefined, name: string): string {
  const lines = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return lines.find((candidate) => candidate.startsWith(`${name}=`)) ?? '';
}

interface Started {
  readonly authorizationUrl: URL;
  readonly stateCookie: string;
}

async function startLogin(dashport: Dashport, next = '/dashboards/private'): Promise<Started> {
  const response = await dashport.app.inject({
    url: `/auth/oidc/login?next=${encodeURIComponent(next)}`,
  });
  expect(response.statusCode).toBe(302);
  const stateCookie = cookieFrom(response.headers['set-cookie'], 'dashport_oidc');
  expect(stateCookie).toBeDefined();
  return {
    authorizationUrl: new URL(response.headers.location as string),
    stateCookie: stateCookie!,
  };
}

async function callback(
  dashport: Dashport,
  url: URL,
  stateCookie: string | undefined,
  accept = 'application/json',
) {
  return dashport.app.inject({
    url: `${url.pathname}${url.search}`,
    headers: {
      accept,
      ...(stateCookie === undefined ? {} : { cookie: `dashport_oidc=${stateCookie}` }),
    },
  });
}

describe('OIDC sign-in against oidc-provider', () => {
  let tmp: TempDir;
  let provider: TestProvider;
  let dashport: Dashport;

  beforeAll(async () => {
    tmp = await createTempDir('oidc');
    provider = await startTestProvider({
      redirectUri: CALLBACK,
      groups: { alice: ['sales', 'ops'], bob: [] },
    });
    dashport = await startDashport(tmp, { DASHPORT_OIDC_ISSUER: provider.issuer });
  }, 60_000);

  afterAll(async () => {
    await dashport?.close();
    await provider?.stop();
    await tmp?.remove();
  });

  it('redirects to the provider with PKCE S256, state and nonce, in a short-lived HttpOnly cookie', async () => {
    const { authorizationUrl, stateCookie } = await startLogin(dashport);
    expect(authorizationUrl.origin).toBe(provider.issuer);
    const params = authorizationUrl.searchParams;
    expect(params.get('client_id')).toBe(TEST_CLIENT_ID);
    expect(params.get('redirect_uri')).toBe(CALLBACK);
    expect(params.get('response_type')).toBe('code');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(params.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(params.get('scope')?.split(' ')).toContain('openid');
    // The verifier never goes to the provider in the front channel, and no secret does.
    expect(authorizationUrl.href).not.toContain(TEST_CLIENT_SECRET);
    const saved = await signer.verify('oidc-state', stateCookie);
    expect(saved?.['st']).toBe(params.get('state'));
    expect(saved?.['nc']).toBe(params.get('nonce'));

    const response = await dashport.app.inject({ url: '/auth/oidc/login' });
    const line = setCookieLine(response.headers['set-cookie'], 'dashport_oidc');
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Lax/i);
    expect(line).toMatch(/Max-Age=600/);
    expect(line).toMatch(/Path=\/auth\/oidc\/callback/);
  });

  it('signs alice in with her groups and returns to next', async () => {
    const { authorizationUrl, stateCookie } = await startLogin(dashport, '/dashboards/private?x=1');
    const back = await loginAtProvider({
      authorizationUrl: authorizationUrl.href,
      returnTo: CALLBACK,
      login: 'alice',
    });
    expect(back.searchParams.get('code')).toBeTruthy();
    const response = await callback(dashport, back, stateCookie);
    expect(response.statusCode, response.body).toBe(302);
    expect(response.headers.location).toBe('/dashboards/private?x=1');
    const session = cookieFrom(response.headers['set-cookie'], SESSION_COOKIE);
    expect(session).toBeDefined();
    const line = setCookieLine(response.headers['set-cookie'], SESSION_COOKIE);
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Lax/i);
    expect(line).toMatch(/Path=\//);
    // The state cookie is spent.
    expect(setCookieLine(response.headers['set-cookie'], 'dashport_oidc')).toMatch(
      /Expires=Thu, 01 Jan 1970|Max-Age=0/i,
    );
    const identity = await verifySession(signer, session!);
    expect(identity).toMatchObject({ kind: 'user', name: 'alice', groups: ['sales', 'ops'] });

    const success = dashport.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry['event'] === 'sign_in' && entry['outcome'] === 'success');
    expect(success).toMatchObject({ method: 'oidc', user: 'alice' });
    const metrics = await dashport.app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(
      /dashport_sign_ins_total\{method="oidc",outcome="success"\} [1-9]/,
    );
    const me = await dashport.app.inject({
      url: '/auth/me',
      cookies: { [SESSION_COOKIE]: session! },
    });
    expect(me.json()).toMatchObject({
      authenticated: true,
      identity: { kind: 'user', name: 'alice', groups: ['sales', 'ops'] },
    });
    const allLogs = dashport.logs.join('\n');
    expect(allLogs).not.toContain(TEST_CLIENT_SECRET);
    expect(allLogs).not.toContain(session!);
    expect(allLogs).not.toContain(back.searchParams.get('code')!);
  });

  it('signs in a user without groups with none', async () => {
    const { authorizationUrl, stateCookie } = await startLogin(dashport, '/');
    const back = await loginAtProvider({
      authorizationUrl: authorizationUrl.href,
      returnTo: CALLBACK,
      login: 'bob',
    });
    const response = await callback(dashport, back, stateCookie);
    expect(response.statusCode, response.body).toBe(302);
    const identity = await verifySession(
      signer,
      cookieFrom(response.headers['set-cookie'], SESSION_COOKIE)!,
    );
    expect(identity).toMatchObject({ name: 'bob', groups: [] });
  });

  it('refuses a tampered state, a tampered or missing state cookie and a replayed code', async () => {
    const { authorizationUrl, stateCookie } = await startLogin(dashport);
    const back = await loginAtProvider({
      authorizationUrl: authorizationUrl.href,
      returnTo: CALLBACK,
      login: 'alice',
    });

    const tamperedState = new URL(back);
    tamperedState.searchParams.set('state', `${back.searchParams.get('state')}x`);
    const wrongState = await callback(dashport, tamperedState, stateCookie);
    expect(wrongState.statusCode).toBe(400);
    expect(wrongState.json()).toMatchObject({
      code: 'DASHPORT_ERR_OIDC_STATE',
      parameter: 'state',
    });

    const flipped = `${stateCookie.slice(0, -2)}${stateCookie.endsWith('AA') ? 'BB' : 'AA'}`;
    const forged = await callback(dashport, back, flipped);
    expect(forged.statusCode).toBe(400);
    expect(forged.json().message).toMatch(/expired|tampered/);

    const missing = await callback(dashport, back, undefined);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toMatch(/no sign-in under way/);
    expect(missing.headers['set-cookie']).not.toContain(SESSION_COOKIE);

    const good = await callback(dashport, back, stateCookie);
    expect(good.statusCode, good.body).toBe(302);
    const replay = await callback(dashport, back, stateCookie);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'DASHPORT_ERR_OIDC_REFUSED' });
    expect(replay.json().message).toMatch(/invalid_grant/);
    expect(replay.body).not.toContain(TEST_CLIENT_SECRET);
  });

  it('checks the nonce of the ID token', async () => {
    const { authorizationUrl, stateCookie } = await startLogin(dashport);
    const back = await loginAtProvider({
      authorizationUrl: authorizationUrl.href,
      returnTo: CALLBACK,
      login: 'alice',
    });
    // A validly signed state whose nonce differs from the one the provider put in the token.
    const saved = (await signer.verify('oidc-state', stateCookie))!;
    const otherNonce = await signer.sign(
      'oidc-state',
      { ...saved, nc: 'another-nonce-value' },
      600,
    );
    const response = await callback(dashport, back, otherNonce);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'DASHPORT_ERR_OIDC_REFUSED' });
    expect(response.json().message).toMatch(/nonce/);
  });

  it('answers a refused login with a 401 page for a browser', async () => {
    const { authorizationUrl, stateCookie } = await startLogin(dashport);
    const back = await loginAtProvider({
      authorizationUrl: authorizationUrl.href,
      returnTo: CALLBACK,
      login: 'alice',
      abort: true,
    });
    expect(back.searchParams.get('error')).toBe('access_denied');
    const response = await callback(dashport, back, stateCookie, 'text/html,application/xhtml+xml');
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.body).toContain('Sign-in failed');
    expect(response.body).toContain('access_denied');
    expect(response.body).toContain('href="/auth/oidc/login"');
    expect(response.body).not.toMatch(/<script|style=/i);
  });

  it('refuses a next that leaves the server', async () => {
    for (const next of ['https://evil.example/', '//evil.example', '/\\evil.example']) {
      const response = await dashport.app.inject({
        url: `/auth/oidc/login?next=${encodeURIComponent(next)}`,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'DASHPORT_ERR_BAD_PARAMETER',
        parameter: 'next',
      });
    }
  });

  it('tells the web app that OIDC is on, with no secret', async () => {
    const response = await dashport.app.inject({ url: '/auth/config' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      enabled: true,
      modes: ['oidc'],
      basic: null,
      oidc: { provider: '127.0.0.1', loginPath: '/auth/oidc/login' },
    });
    expect(response.body).not.toContain(TEST_CLIENT_SECRET);
  });

  it('answers 401 when the client secret is wrong, without echoing it', async () => {
    const wrongSecret = 'a-wrong-client-secret-1234567890';
    const other = await startDashport(tmp, {
      DASHPORT_OIDC_ISSUER: provider.issuer,
      DASHPORT_OIDC_CLIENT_SECRET: wrongSecret,
    });
    try {
      const { authorizationUrl, stateCookie } = await startLogin(other);
      const back = await loginAtProvider({
        authorizationUrl: authorizationUrl.href,
        returnTo: CALLBACK,
        login: 'alice',
      });
      const response = await callback(other, back, stateCookie);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'DASHPORT_ERR_OIDC_REFUSED' });
      expect(response.json().message).toMatch(/invalid_client/);
      expect(response.body).not.toContain(wrongSecret);
      expect(other.logs.join('\n')).not.toContain(wrongSecret);
      const failure = other.logs
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((entry) => entry['event'] === 'sign_in' && entry['outcome'] === 'failure');
      expect(failure).toMatchObject({ method: 'oidc', code: 'DASHPORT_ERR_OIDC_REFUSED' });
    } finally {
      await other.close();
    }
  });

  it('answers 503 with Retry-After while the issuer is down, and stays ready', async () => {
    const deadPort = await freePort();
    const down = await startDashport(tmp, { DASHPORT_OIDC_ISSUER: `http://127.0.0.1:${deadPort}` });
    try {
      const ready = await down.app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      const started = Date.now();
      const response = await down.app.inject({ url: '/auth/oidc/login' });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
      expect(response.json()).toMatchObject({ code: 'DASHPORT_ERR_OIDC_UNAVAILABLE' });
      expect(response.body).not.toContain(TEST_CLIENT_SECRET);
      // A callback without its state cookie is refused before the provider is needed.
      const callbackResponse = await down.app.inject({ url: '/auth/oidc/callback?code=x&state=y' });
      expect(callbackResponse.statusCode).toBe(400);
    } finally {
      await down.close();
    }
  });
});
