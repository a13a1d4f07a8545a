/**
 * An open event stream ends with the access that opened it: a stream opened with a session
 * cookie closes when the session expires, and the reconnect is refused. Real HTTP: inject()
 * cannot hold a stream open.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, signSession } from '../../../../src/auth/session-claims.js';
import { createTokenSigner } from '../../../../src/auth/signed-token.js';
import { formatUsers } from '../../../../src/auth/users-file.js';
import { hashPassword } from '../../../../src/auth/password-verifier.js';
import { type ListeningTestApp, startListeningTestApp } from '../../../helpers/test-app.js';

const SECRET = 'e'.repeat(40);

describe('an event stream and its viewer’s access', () => {
  let server: ListeningTestApp;
  let base: string;

  beforeAll(async () => {
    const users = formatUsers([
      { name: 'ada', hash: await hashPassword('pw'), groups: ['finance'] },
    ]);
    server = await startListeningTestApp(
      'events-access',
      {
        'data/finance.csv': 'day,amount\n2024-01-01,1\n',
        'data/dashport.yaml':
          'datasets:\n  finance:\n    live: true\n    access: { groups: [finance] }\n',
        'users.txt': users,
      },
      (root) => ({
        DASHPORT_AUTH: 'basic',
        DASHPORT_SESSION_SECRET: SECRET,
        DASHPORT_USERS_FILE: path.join(root, 'users.txt'),
      }),
    );
    base = server.base;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('ends when the session that opened it expires; the reconnect gets 401', async () => {
    const session = await signSession(
      createTokenSigner(SECRET),
      { name: 'ada', groups: ['finance'], source: 'basic' },
      2,
    );
    const headers = { cookie: `${SESSION_COOKIE}=${session}` };
    const opened = Date.now();
    const response = await fetch(`${base}/api/v1/datasets/finance/events`, { headers });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body?.getReader();
    for (;;) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) break;
    }
    // Whole seconds: the token's exp is rounded to the second it was signed in.
    const endedAfterMs = Date.now() - opened;
    expect(endedAfterMs).toBeGreaterThan(900);
    expect(endedAfterMs).toBeLessThan(15_000);
    const again = await fetch(`${base}/api/v1/datasets/finance/events`, { headers });
    expect(again.status).toBe(401);
  }, 30_000);
});
