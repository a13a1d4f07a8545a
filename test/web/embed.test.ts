/**
 * Signed embed links in a real browser: a page on an allowed origin (a tiny node:http server on
 * another port) frames the URL `dashport embed` printed and the dashboard draws inside, its
 * locked filter read-only, under the server's CSP with no console error; a page on another
 * origin gets the frame refused by `frame-ancestors`.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';
import {
  type Dashport,
  launchChromium,
  openCheckedPage,
  screenshotPath,
  startDashport,
} from './browser-harness.js';

const SECRET = 'embed-browser-test-secret-0123456789abcdef';
const DRAW_TIMEOUT_MS = 30_000;

interface HostSite {
  readonly origin: string;
  close(): Promise<void>;
}

/** Another site: one page that frames `src`, with a CSP of its own that allows the frame. */
async function startHost(
  port: number,
  src: () => string,
  frameOrigin: () => string,
): Promise<HostSite> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'self'; frame-src ${frameOrigin()}`,
    });
    response.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Intranet</title></head>` +
        `<body><h1>Intranet</h1><iframe id="embed" title="Dashboard" width="1000" height="800" src="${src().replace(/&/g, '&amp;')}"></iframe></body></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let tmp: TempDir;
let dashport: Dashport;
let browser: Browser;
let allowed: HostSite;
let refused: HostSite;
let embedUrl = '';

beforeAll(async () => {
  tmp = await createTempDir('embed-web');
  const [allowedPort, refusedPort] = [await freePort(), await freePort()];
  [dashport, browser] = await Promise.all([
    startDashport(
      {},
      {
        env: {
          DASHPORT_AUTH: 'basic',
          DASHPORT_SESSION_SECRET: SECRET,
          DASHPORT_USERS_FILE: tmp.join('users.txt'),
          DASHPORT_KEYS_FILE: tmp.join('keys.txt'),
          DASHPORT_EMBED_ORIGINS: `http://127.0.0.1:${allowedPort}`,
        },
      },
    ),
    launchChromium(),
  ]);
  const made = await runCli(['embed', 'management-tools', '--filter', 'tool=Benchmarking'], {
    cwd: tmp.path,
    env: {
      DASHPORT_DATA_DIR: dashport.dataDir,
      DASHPORT_SESSION_SECRET: SECRET,
      DASHPORT_PUBLIC_URL: dashport.url,
    },
  });
  expect(made.code, made.stderr).toBe(0);
  embedUrl = made.stdout.trim();
  allowed = await startHost(
    allowedPort,
    () => embedUrl,
    () => dashport.url,
  );
  refused = await startHost(
    refusedPort,
    () => embedUrl,
    () => dashport.url,
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await allowed?.close();
  await refused?.close();
  await dashport?.stop();
  await tmp?.remove();
});

/** The little of the frame's DOM the wait reads (this file has no DOM types). */
interface PanelsDocument {
  querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }>;
}

async function waitForEmbedDrawn(frame: Frame): Promise<void> {
  await frame.waitForFunction(
    () => {
      const doc = (globalThis as unknown as { document: PanelsDocument }).document;
      const panels = Array.from(doc.querySelectorAll('[data-panel]'));
      return (
        panels.length > 0 &&
        panels.every(
          (panel) =>
            panel.getAttribute('data-drawn') === 'true' &&
            panel.getAttribute('aria-busy') === 'false',
        )
      );
    },
    null,
    { timeout: DRAW_TIMEOUT_MS },
  );
}

describe('an embed URL in an <iframe>', () => {
  it('renders the dashboard on an allowed origin, locked filter read-only, no console error', async () => {
    const checked = await openCheckedPage(browser, { viewport: { width: 1100, height: 900 } });
    try {
      await checked.page.goto(allowed.origin);
      const frame = await (await checked.page.waitForSelector('#embed')).contentFrame();
      expect(frame).not.toBeNull();
      await waitForEmbedDrawn(frame as Frame);
      const embedded = frame as Frame;
      expect(await embedded.textContent('h1')).toBe('Management tools');
      expect(await embedded.textContent('[data-locked-filter="tool"] output')).toBe('Benchmarking');
      // Navigation chrome of the app is absent; the open filters stay usable.
      expect(await embedded.locator('.app-header, .breadcrumb').count()).toBe(0);
      expect(await embedded.locator('select[name="tool"]').count()).toBe(0);
      expect(await embedded.locator('input[name="source"]').count()).toBeGreaterThan(0);
      // The numbers are those of the locked tool.
      const response = await fetch(`${dashport.url}/api/v1/dashboards/management-tools/data`, {
        headers: { 'x-dashport-embed': new URL(embedUrl).searchParams.get('embed_token') ?? '' },
      });
      const body = (await response.json()) as { filters: Record<string, string[]> };
      expect(body.filters['tool']).toEqual(['Benchmarking']);
      await checked.page.screenshot({ path: screenshotPath('embed-allowed-origin') });
      expect(checked.problems).toEqual([]);
    } finally {
      await checked.close();
    }
  });

  it('is refused on another origin (frame-ancestors)', async () => {
    const checked = await openCheckedPage(browser);
    try {
      await checked.page.goto(refused.origin);
      const handle = await checked.page.waitForSelector('#embed');
      const frame = await handle.contentFrame();
      // Chromium replaces a refused frame by its error page and says why in the console.
      await expect
        .poll(() => checked.problems.join('\n'), { timeout: 10_000 })
        .toMatch(/frame-ancestors/);
      expect(frame === null || !frame.url().includes('/embed/')).toBe(true);
      if (frame !== null) {
        expect(await frame.locator('[data-panel]').count()).toBe(0);
      }
      await checked.page.screenshot({ path: screenshotPath('embed-refused-origin') });
    } finally {
      await checked.close();
    }
  });
});
