/**
 * Browser tests drive the real server (`node dist/src/main.js dev` over a copy of the bundled
 * examples, on a temporary cache dir) with Debian's Chromium through playwright-core. Every
 * page runs under the SPEC's Content-Security-Policy, and every console error, page error and
 * CSP violation is collected so a test can require there were none.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContextOptions, type Page, chromium } from 'playwright-core';
import { REPO_ROOT } from '../deploy/run-command.js';
import {
  type ServerProcess,
  freePort,
  requireBuild,
  startServer,
  waitFor,
} from '../deploy/server-process.js';

/** The policy of SPEC §5: what the app must run under with zero violations. */
export const SPEC_CSP =
  "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; style-src 'self'";
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-artifacts', 'screenshots');
const WEB_BUILD = path.join(REPO_ROOT, 'dist', 'web', 'index.html');
const READY_TIMEOUT_MS = 120_000;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Build the web app when dist/web is missing or older than its sources (a fresh clone builds at install). */
export function ensureWebBuild(): void {
  const sources = Math.max(
    newestMtime(path.join(REPO_ROOT, 'web')),
    newestMtime(path.join(REPO_ROOT, 'src', 'shared')),
  );
  if (existsSync(WEB_BUILD) && statSync(WEB_BUILD).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [
      path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    },
  );
}

export interface Dashport {
  readonly url: string;
  readonly dataDir: string;
  readonly server: ServerProcess;
  stop(): Promise<void>;
}

/**
 * A copy of the bundled examples plus `extraDashboards` (file name → YAML), served by
 * `dashport dev` once every cache is warm.
 */
export interface StartDashportOptions {
  /** More environment variables (DASHPORT_AUTH, …). */
  readonly env?: Readonly<Record<string, string>>;
  /** Listen here (a test that must know the URL before the server starts); else a free port. */
  readonly port?: number;
}

export async function startDashport(
  extraDashboards: Readonly<Record<string, string>> = {},
  options: StartDashportOptions = {},
): Promise<Dashport> {
  requireBuild();
  ensureWebBuild();
  const root = mkdtempSync(path.join(os.tmpdir(), 'dashport-web-'));
  const dataDir = path.join(root, 'data');
  cpSync(path.join(REPO_ROOT, 'examples', 'data'), dataDir, { recursive: true });
  mkdirSync(path.join(dataDir, 'dashboards'), { recursive: true });
  for (const [name, text] of Object.entries(extraDashboards)) {
    writeFileSync(path.join(dataDir, 'dashboards', name), text);
  }
  const port = options.port ?? (await freePort());
  const server = startServer({
    port,
    args: ['dev', dataDir],
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: root,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DASHPORT_CACHE_DIR: path.join(root, 'cache'),
      DASHPORT_RATE_LIMIT: 'off',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${url}/readyz`, (response) => response.status === 200, {
      timeoutMs: READY_TIMEOUT_MS,
      server,
    });
  } catch (error) {
    await server.stop('SIGKILL');
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    dataDir,
    server,
    async stop() {
      await server.stop('SIGTERM', 10_000);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: install it with \`apt-get install -y chromium\` (scripts/ensure-test-deps.sh does)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
      // Chromium 156 (Debian's build of 2026-11-26) opens a hidden WebUI renderer for the
      // omnibox's AI-mode popup in every new window, i.e. every fresh context: ~400
      // chrome://resources loads and 0.2-1 s of CPU per visit, taken from the page and the
      // server on a 2-core machine. A headless page has no omnibox; nothing else is lost.
      '--disable-features=WebUIOmniboxAimPopup',
    ],
  });
}

export interface CheckedPage {
  readonly page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  readonly problems: string[];
  close(): Promise<void>;
}

export interface CheckedPageOptions extends BrowserContextOptions {
  /** Console errors from loading these URLs are expected (see the caller's reason). */
  readonly tolerateFailedUrls?: RegExp;
}

/**
 * A page in a fresh context, served under SPEC_CSP (added to documents whose response has no
 * policy of its own), recording every problem the user would not see but must not have.
 */
export async function openCheckedPage(
  browser: Browser,
  options: CheckedPageOptions = {},
): Promise<CheckedPage> {
  const { tolerateFailedUrls, ...contextOptions } = options;
  const context = await browser.newContext({ acceptDownloads: true, ...contextOptions });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url;
    if (tolerateFailedUrls?.test(where)) return;
    problems.push(`console error: ${message.text()} (${where})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.exposeFunction('__reportCspViolation', (text: string) =>
    problems.push(`CSP violation: ${text}`),
  );
  // In-page code is passed as text: this file compiles without the DOM library.
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      void window.__reportCspViolation(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') + ' at ' + event.sourceFile + ':' + event.lineNumber);
    });`,
  });
  await page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.continue();
    const response = await route.fetch();
    const headers = response.headers();
    headers['content-security-policy'] ??= SPEC_CSP;
    return route.fulfill({ response, headers });
  });
  return { page, problems, close: () => context.close() };
}

/** The little of the page's DOM that waitForPanelsDrawn reads (this file has no DOM types). */
interface PanelsDocument {
  readonly documentElement: { readonly dataset: Readonly<Record<string, string | undefined>> };
  querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }>;
}

/** Wait until every panel of the page has drawn its data (or settled on an error). */
export async function waitForPanelsDrawn(page: Page, timeoutMs = 30_000): Promise<void> {
  // A function, not a string: the page's CSP refuses to evaluate strings (no 'unsafe-eval').
  await page.waitForFunction(
    () => {
      const doc = (globalThis as unknown as { document: PanelsDocument }).document;
      const panels = Array.from(doc.querySelectorAll('[data-panel]'));
      return (
        doc.documentElement.dataset['panelsDrawn'] !== undefined &&
        panels.length > 0 &&
        panels.every(
          (panel) =>
            panel.getAttribute('data-drawn') === 'true' &&
            panel.getAttribute('aria-busy') === 'false',
        )
      );
    },
    null,
    { timeout: timeoutMs },
  );
}

/** Pixels the page is wider than the viewport (0: no horizontal scroll). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate<number>(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return path.join(SCREENSHOT_DIR, `${name}.png`);
}
