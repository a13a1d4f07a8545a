/**
 * Signing in from a real browser: the web app's sign-in page under the SPEC's CSP at 360 px
 * with no console error, and the OpenID Connect login end to end — a private dashboard, its
 * sign-in link, the provider's (oidc-provider's) login and consent forms, and back on
 * Dashport with a session for the user and the groups the provider sent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password-verifier.js';
import { SESSION_COOKIE, verifySession } from '../../src/auth/session-claims.js';
import { createTokenSigner } from '../../src/auth/signed-token.js';
import { formatUsers } from '../../src/auth/users-file.js';
import {
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  type TestProvider,
  startTestProvider,
} from '../helpers/oidc-provider.js';
import { freePort } from '../helpers/free-port.js';
import {
  type Dashport,
  horizontalOverflow,
  launchChromium,
  openCheckedPage,
  screenshotPath,
  startDashport,
  waitForPanelsDrawn,
} from './browser-harness.js';

const PHONE = { width: 360, height: 740 };
const SESSION_SECRET = 'web-sign-in-test-session-secret-0123456789';
const PRIVATE_DASHBOARD = [
  'title: Private trends',
  'dataset: trends',
  'access:',
  '  groups: [sales]',
  'panels:',
  '  - id: observations',
  '    title: Observations',
  '    type: number',
  '  - id: by-tool',
  '    title: By tool',
  '    type: bar',
  '    x: tool',
  '',
].join('\n');

const LOCAL_USER = { name: 'carol', password: 'carol-local-password-42', groups: ['sales'] };

let usersDir: string;
let provider: TestProvider;
let dashport: Dashport;
let browser: Browser;

beforeAll(async () => {
  usersDir = mkdtempSync(path.join(os.tmpdir(), 'dashport-signin-users-'));
  const usersFile = path.join(usersDir, 'users.txt');
  writeFileSync(
    usersFile,
    formatUsers([
      {
        name: LOCAL_USER.name,
        hash: await hashPassword(LOCAL_USER.password),
        groups: LOCAL_USER.groups,
      },
    ]),
  );
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  provider = await startTestProvider({
    redirectUri: `${publicUrl}/auth/oidc/callback`,
    groups: { alice: ['sales'] },
  });
  [dashport, browser] = await Promise.all([
    startDashport(
      { 'private.yaml': PRIVATE_DASHBOARD },
      {
        port,
        env: {
          DASHPORT_AUTH: 'basic,oidc',
          DASHPORT_USERS_FILE: usersFile,
          DASHPORT_SESSION_SECRET: SESSION_SECRET,
          DASHPORT_PUBLIC_URL: publicUrl,
          DASHPORT_OIDC_ISSUER: provider.issuer,
          DASHPORT_OIDC_CLIENT_ID: TEST_CLIENT_ID,
          DASHPORT_OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
        },
      },
    ),
    launchChromium(),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await dashport?.stop();
  await provider?.stop();
  if (usersDir !== undefined) rmSync(usersDir, { recursive: true, force: true });
});

async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.waitForURL((url) => url.href.startsWith(provider.issuer));
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'any-password');
  await page.click('button[type="submit"]');
  // The consent form: "Continue".
  await page.waitForSelector('input[name="prompt"][value="consent"]', { state: 'attached' });
  await page.click('button[type="submit"]');
}

describe('sign-in page', () => {
  it('renders under the CSP at 360 px with no console error, and a local user signs in', async () => {
    const checked = await openCheckedPage(browser, { viewport: PHONE });
    try {
      const { page } = checked;
      await page.goto(`${dashport.url}/signin?next=%2Fdashboards%2Fprivate`);
      const button = page.locator('a[data-sign-in="oidc"]');
      await button.waitFor();
      expect(await button.textContent()).toBe('Sign in with 127.0.0.1');
      expect(await button.getAttribute('href')).toBe(
        '/auth/oidc/login?next=%2Fdashboards%2Fprivate',
      );
      expect(await page.title()).toBe('Sign in · Dashport');
      expect(await horizontalOverflow(page)).toBe(0);
      const box = await button.boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(200);
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
      const form = page.locator('form[data-sign-in="basic"]');
      await form.waitFor();
      expect(await page.locator('.sign-in-or').textContent()).toBe('or');
      expect(await horizontalOverflow(page)).toBe(0);
      await page.screenshot({ path: screenshotPath('sign-in-360') });

      // A local user signs in with the form and lands on the private dashboard, drawn.
      await page.fill('#sign-in-name', LOCAL_USER.name);
      await page.fill('#sign-in-password', LOCAL_USER.password);
      await page.click('form[data-sign-in="basic"] button[type="submit"]');
      await page.waitForURL(`${dashport.url}/dashboards/private`);
      await waitForPanelsDrawn(page);
      expect(await page.locator('[data-panel]').count()).toBe(2);
      expect(await horizontalOverflow(page)).toBe(0);
      const me = await page.context().request.get(`${dashport.url}/auth/me`);
      expect(await me.json()).toMatchObject({
        authenticated: true,
        identity: { name: LOCAL_USER.name, groups: LOCAL_USER.groups },
      });
      expect(checked.problems).toEqual([]);
    } finally {
      await checked.close();
    }
  });
});

describe('OpenID Connect in Chromium', () => {
  it('signs in from a private dashboard through the provider and comes back to it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      // Anonymous: the private dashboard is not shown, and the page offers a sign-in.
      await page.goto(`${dashport.url}/dashboards/private`);
      const notice = page.locator('[data-sign-in-notice] a');
      await notice.waitFor();
      expect(await page.locator('[data-panel]').count()).toBe(0);
      await notice.click();
      await page.waitForURL(`${dashport.url}/signin?next=%2Fdashboards%2Fprivate`);
      await page.click('a[data-sign-in="oidc"]');
      await signInAtProvider(page, 'alice');
      await page.waitForURL(`${dashport.url}/dashboards/private`);

      const cookies = await context.cookies(dashport.url);
      const session = cookies.find((cookie) => cookie.name === SESSION_COOKIE);
      expect(session?.httpOnly).toBe(true);
      expect(session?.sameSite).toBe('Lax');
      const identity = await verifySession(createTokenSigner(SESSION_SECRET), session!.value);
      expect(identity).toMatchObject({ kind: 'user', name: 'alice', groups: ['sales'] });

      await waitForPanelsDrawn(page);
      expect(await page.locator('[data-panel]').count()).toBe(2);
      const me = await context.request.get(`${dashport.url}/auth/me`);
      expect(await me.json()).toMatchObject({
        authenticated: true,
        identity: { kind: 'user', name: 'alice', groups: ['sales'] },
      });
      await page.screenshot({ path: screenshotPath('oidc-private-dashboard') });
    } finally {
      await context.close();
    }
  });
});
