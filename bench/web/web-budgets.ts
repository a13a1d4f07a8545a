/**
 * The web dashboard's budgets (issue 3), in headless Chromium against the built server over
 * the bundled examples:
 * - JS + CSS of the first dashboard view ≤ 350 KB gzip (the gzip size of every script and
 *   stylesheet the page loaded; what was actually transferred, brotli, is reported too);
 * - an example dashboard fully drawn ≤ 1 s from navigation start: the app's
 *   `dashport:all-panels-drawn` mark, in a fresh browser context (a first visit) once the
 *   server has answered the view before (its query cache is warm, as in normal use).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { REPO_ROOT, median, percentile, spawnCli, waitForOk } from '../lib/process.js';

export const JS_CSS_BUDGET_BYTES = 350 * 1024;
export const DRAWN_BUDGET_MS = 1000;
const DASHBOARDS = ['management-tools', 'radio-spots', 'heartbeats'] as const;
const RUNS = 7;
// Overridable: the machine may run other benches (other fixed ports) at the same time.
const PORT = Number(process.env.DASHPORT_BENCH_WEB_PORT ?? 18_652);
const BASE = `http://127.0.0.1:${PORT}`;
const ASSETS = path.join(REPO_ROOT, 'dist', 'web', 'assets');
const MARK = 'dashport:all-panels-drawn';

export interface DashboardBudget {
  readonly dashboard: string;
  readonly gzipBytes: number;
  readonly transferredBytes: number;
  readonly drawnMedianMs: number;
  readonly drawnP90Ms: number;
}

export interface WebBenchResult {
  readonly results: DashboardBudget[];
  readonly markdown: string;
}

interface Visit {
  readonly drawnMs: number;
  readonly assets: { readonly name: string; readonly transferred: number }[];
}

async function visit(browser: Browser, url: string): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, MARK, {
      timeout: 30_000,
    });
    // In-page code is passed as text: this file compiles without the DOM library.
    return await page.evaluate<Visit>(`(() => {
      const drawn = performance.getEntriesByName(${JSON.stringify(MARK)})[0]?.startTime ?? Number.NaN;
      const assets = performance.getEntriesByType('resource')
        .filter((entry) => /\\/assets\\/[^/]+\\.(js|css)$/.test(new URL(entry.name).pathname))
        .map((entry) => ({ name: new URL(entry.name).pathname.split('/').pop() ?? '', transferred: entry.encodedBodySize }));
      return { drawnMs: drawn, assets };
    })()`);
  } finally {
    await context.close();
  }
}

function gzipSize(name: string): number {
  const file = path.join(ASSETS, `${name}.gz`);
  return existsSync(file) ? statSync(file).size : statSync(path.join(ASSETS, name)).size;
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const pass = (ok: boolean): string => (ok ? 'yes' : '**no**');

/** Measure both budgets for every example dashboard. */
export async function runWebBench(): Promise<WebBenchResult> {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'web', 'index.html')))
    throw new Error('dist/web is missing: run `npm run build` first');
  const server = spawnCli(['serve', path.join(REPO_ROOT, 'examples', 'data')], {
    HOST: '127.0.0.1',
    PORT: String(PORT),
    DASHPORT_CACHE_DIR: path.join(REPO_ROOT, 'bench', '.data', 'web-cache'),
    DASHPORT_WORKERS: '1',
    DASHPORT_RATE_LIMIT: 'off',
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
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
  const results: DashboardBudget[] = [];
  try {
    await waitForOk(`${BASE}/readyz`, performance.now(), 180_000);
    for (const dashboard of DASHBOARDS) {
      const url = `${BASE}/dashboards/${dashboard}`;
      await visit(browser, url);
      const visits: Visit[] = [];
      for (let run = 0; run < RUNS; run += 1) visits.push(await visit(browser, url));
      const first = visits[0] as Visit;
      results.push({
        dashboard,
        gzipBytes: first.assets.reduce((sum, asset) => sum + gzipSize(asset.name), 0),
        transferredBytes: first.assets.reduce((sum, asset) => sum + asset.transferred, 0),
        drawnMedianMs: median(visits.map((one) => one.drawnMs)),
        drawnP90Ms: percentile(
          visits.map((one) => one.drawnMs),
          90,
        ),
      });
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const rows = results.map(
    (result) =>
      `| ${result.dashboard} | ${kb(result.gzipBytes)} | ${kb(result.transferredBytes)} | ${pass(result.gzipBytes <= JS_CSS_BUDGET_BYTES)} | ${Math.round(result.drawnMedianMs)} ms | ${Math.round(result.drawnP90Ms)} ms | ${pass(result.drawnMedianMs <= DRAWN_BUDGET_MS)} |`,
  );
  const markdown = `## Web dashboard budgets

Headless Chromium against \`dashport serve\` (1 worker) over the bundled examples; each
dashboard opened ${RUNS} times in a fresh browser context (nothing cached in the browser)
after one warm-up visit. "Drawn" is the app's \`${MARK}\` mark (every panel drew its data)
from navigation start. Budgets: JS + CSS ≤ ${kb(JS_CSS_BUDGET_BYTES)} gzip; drawn ≤ ${DRAWN_BUDGET_MS} ms.

| dashboard | JS + CSS (gzip) | transferred (brotli) | within budget | drawn, median | drawn, p90 | within budget |
| --- | ---: | ---: | --- | ---: | ---: | --- |
${rows.join('\n')}
`;
  return { results, markdown };
}
