/**
 * A real OpenID Connect provider for tests: the npm package oidc-provider (the certified
 * reference implementation) on a free port, with one confidential client, accounts whose
 * `groups` claim the test chooses, and its development login and consent forms (any password
 * is accepted; the login name is the account id).
 */
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from './free-port.js';

export const TEST_CLIENT_ID = 'dashport-test';
export const TEST_CLIENT_SECRET = 'test-client-secret-that-must-never-appear-in-output';

export interface TestProvider {
  readonly issuer: string;
  stop(): Promise<void>;
}

export interface TestProviderOptions {
  /** The client's registered redirect URI (DASHPORT_PUBLIC_URL + /auth/oidc/callback). */
  readonly redirectUri: string;
  /** Login name → groups; an unknown name signs in with no groups. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

export async function startTestProvider(options: TestProviderOptions): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({
        sub: id,
        preferred_username: id,
        email: `${id}@example.test`,
        groups: [...(options.groups[id] ?? [])],
      }),
    }),
    // groups is released with the profile scope, so it arrives through userinfo, as with most
    // providers that keep ID tokens small.
    claims: {
      openid: ['sub'],
      profile: ['preferred_username', 'groups'],
      email: ['email'],
    },
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    features: { devInteractions: { enabled: true } },
  });
  // Its request logs are not ours to read; keep the test output clean.
  provider.on('server_error', () => undefined);
  const server: Server = await new Promise((resolve) => {
    const listening = provider.listen(port, '127.0.0.1', () => resolve(listening));
  });
  return {
    issuer,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
