/**
 * The authoring layer of issue 11 in a real browser against the real server, under the SPEC's
 * CSP with no console error: a text panel, cross-filtering by clicking a bar, the rows behind
 * a clicked bar (drill-down, with its CSV), and tabs in the URL.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../deploy/server-process.js';
import {
  type CheckedPage,
  type Dashport,
  launchChromium,
  openCheckedPage,
  startDashport,
  waitForPanelsDrawn,
} from './browser-harness.js';

const DESKTOP = { width: 1280, height: 900 };
const DRILL_YAML = `
title: Drill
dataset: trends
refresh: 5s
filters:
  - column: tool
    default: Benchmarking
tabs:
  - { id: counts, title: Counts, panels: [by-source] }
  - { id: prose, title: Prose, panels: [intro] }
panels:
  - id: by-source
    title: Observations by source
    type: bar
    x: source
    agg: count
    where: { date: gte.2024-01-01 }
  - id: intro
    type: text
    text: "Rows since 2024: **{{ n }}**. [Docs](https://example.com) [bad](javascript:alert(1)) <script>alert(1)</script>"
    values:
      n: { agg: count, where: { date: gte.2024-01-01 } }
`;

let dashport: Dashport;
let browser: Browser;

async function getJson<T>(url: string): Promise<T> {
  const response = await request(url);
  expect(response.status, `${url}: ${response.body.toString()}`).toBe(200);
  return JSON.parse(response.body.toString()) as T;
}

async function withPage(body: (checked: CheckedPage) => Promise<void>): Promise<void> {
  const checked = await openCheckedPage(browser, { viewport: DESKTOP });
  try {
    await body(checked);
    expect(checked.problems).toEqual([]);
  } finally {
    await checked.close();
  }
}

/** The canvas as far as the pixel scans need it (this file compiles without the DOM library). */
interface CanvasLike {
  readonly width: number;
  readonly height: number;
  readonly clientWidth: number;
  readonly clientHeight: number;
  getContext(kind: '2d'): {
    getImageData(
      x: number,
      y: number,
      w: number,
      h: number,
    ): { data: ArrayLike<number>; width: number; height: number };
  } | null;
}

/**
 * Click the `nth` bar of panel `panelId`'s chart: the canvas is read for its saturated pixels
 * (bars are coloured, axes and labels grey), grouped into runs along the bars' axis.
 */
async function clickBar(page: Page, panelId: string, nth = 0): Promise<void> {
  const canvas = page.locator(`[data-panel="${panelId}"] canvas`).first();
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error(`no canvas in panel ${panelId}`);
  const spot = await canvas.evaluate((element, index) => {
    const c = element as unknown as CanvasLike;
    const context = c.getContext('2d');
    if (!context) return undefined;
    const { data, width, height } = context.getImageData(0, 0, c.width, c.height);
    const saturated = (x: number, y: number): boolean => {
      const at = (y * width + x) * 4;
      const [r, g, b] = [data[at] ?? 0, data[at + 1] ?? 0, data[at + 2] ?? 0];
      return Math.max(r, g, b) - Math.min(r, g, b) > 60;
    };
    // Scan columns (vertical bars) at mid height of the bars: find runs of coloured columns.
    const runs: { x: number; y: number }[] = [];
    for (let y = Math.floor(height * 0.85); y > height * 0.3 && runs.length === 0; y -= 4) {
      let start = -1;
      for (let x = 0; x <= width; x += 1) {
        const on = x < width && saturated(x, y);
        if (on && start < 0) start = x;
        if (!on && start >= 0) {
          if (x - start > 4) runs.push({ x: (start + x) / 2, y });
          start = -1;
        }
      }
    }
    const run = runs[index];
    return run && { x: run.x / (c.width / c.clientWidth), y: run.y / (c.height / c.clientHeight) };
  }, nth);
  if (!spot) throw new Error(`no bar ${nth} found in panel ${panelId}`);
  await page.mouse.click(box.x + spot.x, box.y + spot.y);
}

/** Same for a horizontal bar chart: runs along rows. */
async function clickHorizontalBar(page: Page, panelId: string, nth = 0): Promise<void> {
  const canvas = page.locator(`[data-panel="${panelId}"] canvas`).first();
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  if (!box) throw new Error(`no canvas in panel ${panelId}`);
  const spot = await canvas.evaluate((element, index) => {
    const c = element as unknown as CanvasLike;
    const context = c.getContext('2d');
    if (!context) return undefined;
    const { data, width, height } = context.getImageData(0, 0, c.width, c.height);
    const saturated = (x: number, y: number): boolean => {
      const at = (y * width + x) * 4;
      const [r, g, b] = [data[at] ?? 0, data[at + 1] ?? 0, data[at + 2] ?? 0];
      return Math.max(r, g, b) - Math.min(r, g, b) > 60;
    };
    for (let x = Math.floor(width * 0.2); x < width * 0.6; x += 4) {
      const runs: number[] = [];
      let start = -1;
      for (let y = 0; y <= height; y += 1) {
        const on = y < height && saturated(x, y);
        if (on && start < 0) start = y;
        if (!on && start >= 0) {
          if (y - start > 3) runs.push((start + y) / 2);
          start = -1;
        }
      }
      const y = runs[index];
      if (y !== undefined)
        return { x: x / (c.width / c.clientWidth), y: y / (c.height / c.clientHeight) };
    }
    return undefined;
  }, nth);
  if (!spot) throw new Error(`no bar ${nth} found in panel ${panelId}`);
  await page.mouse.click(box.x + spot.x, box.y + spot.y);
}

beforeAll(async () => {
  [dashport, browser] = await Promise.all([
    startDashport({ 'drill.yaml': DRILL_YAML }),
    launchChromium(),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await dashport?.stop();
});

describe('text panels', () => {
  it('render Markdown with their values and no script, with zero console errors', async () => {
    await withPage(async ({ page }) => {
      await page.goto(`${dashport.url}/dashboards/management-tools`);
      await waitForPanelsDrawn(page);
      const about = page.locator('[data-text-panel="about"]');
      const observations = await page
        .locator('[data-panel="observations"] .big-number')
        .textContent();
      await expect(about.locator('strong').first().textContent()).resolves.toBe(observations);
      await expect(about.locator('a').getAttribute('href')).resolves.toBe(
        'https://trends.google.com/',
      );

      await page.goto(`${dashport.url}/dashboards/drill?tab=prose`);
      await waitForPanelsDrawn(page);
      const intro = page.locator('[data-text-panel="intro"]');
      const html = await intro.innerHTML();
      expect(html).not.toContain('<script');
      expect(html).toContain('&lt;script&gt;');
      await expect(intro.locator('a').count()).resolves.toBe(1);
      await expect(intro.locator('a').getAttribute('href')).resolves.toBe('https://example.com');
      const rows = await getJson<{ x: unknown[]; series: { y: number[] }[] }>(
        `${dashport.url}/api/v1/datasets/trends/aggregate?agg=count&tool=eq.Benchmarking&date=gte.2024-01-01`,
      );
      await expect(intro.locator('strong').textContent()).resolves.toBe(
        String(rows.series[0]?.y[0]),
      );
    });
  });
});

describe('tabs', () => {
  it('show one group of panels, with the tab in the URL', async () => {
    await withPage(async ({ page }) => {
      await page.goto(`${dashport.url}/dashboards/drill`);
      await waitForPanelsDrawn(page);
      await expect(page.locator('[data-panel]').count()).resolves.toBe(1);
      await expect(page.locator('[data-panel="by-source"]').count()).resolves.toBe(1);
      await page.locator('[data-tab="prose"]').click();
      await page.waitForURL(/\?tab=prose$/);
      await waitForPanelsDrawn(page);
      await expect(page.locator('[data-panel="intro"]').count()).resolves.toBe(1);
      await expect(page.locator('[data-panel="by-source"]').count()).resolves.toBe(0);
      await page.goBack();
      await page.waitForURL(/\/dashboards\/drill$/);
      await expect(page.locator('[data-panel="by-source"]').count()).resolves.toBe(1);
    });
  });
});

describe('refresh', () => {
  it('re-fetches with If-None-Match and an unchanged view costs a 304', async () => {
    await withPage(async ({ page }) => {
      const statuses: number[] = [];
      const conditional: (string | undefined)[] = [];
      page.on('response', (response) => {
        if (!response.url().includes('/api/v1/dashboards/drill/data')) return;
        statuses.push(response.status());
        conditional.push(response.request().headers()['if-none-match']);
      });
      await page.goto(`${dashport.url}/dashboards/drill`);
      await waitForPanelsDrawn(page);
      await page.waitForTimeout(5_500);
      await expect.poll(() => statuses.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      expect(statuses[0]).toBe(200);
      expect(statuses[1]).toBe(304);
      expect(conditional[1]).toMatch(/^"/);
      await expect(
        page.locator('[data-panel="by-source"]').getAttribute('data-state'),
      ).resolves.toBe('ready');
    });
  });
});

describe('cross-filtering', () => {
  it('a click on a bar sets the filter: the URL, the filter bar and the other panels change', async () => {
    await withPage(async ({ page }) => {
      await page.goto(`${dashport.url}/dashboards/management-tools`);
      await waitForPanelsDrawn(page);
      const aboutBefore = await page.locator('[data-text-panel="about"]').innerHTML();
      // Bars are sorted largest first, so the default tool may be the first: click bars until
      // the URL names another tool.
      for (let nth = 0; nth < 4; nth += 1) {
        await clickHorizontalBar(page, 'tools', nth);
        await page.waitForURL(/\?tool=/, { timeout: 5000 }).catch(() => undefined);
        const tool = new URL(page.url()).searchParams.get('tool');
        if (tool !== null && tool !== '' && tool !== 'Strategic Planning') break;
        if (tool !== null) await page.goBack();
      }
      const tool = new URL(page.url()).searchParams.get('tool');
      expect(tool).toMatch(/\w/);
      expect(tool).not.toBe('Strategic Planning');
      await waitForPanelsDrawn(page);
      await expect(page.getByLabel('Tool', { exact: true }).inputValue()).resolves.toBe(tool);
      const data = await getJson<{
        panels: Record<string, { data?: { series: { y: number[] }[] } }>;
      }>(
        `${dashport.url}/api/v1/dashboards/management-tools/data?tool=${encodeURIComponent(tool ?? '')}`,
      );
      // The other panels show the clicked tool's data.
      const milestones = data.panels['milestones']?.data?.series[0]?.y[0];
      expect(milestones).toBeDefined();
      await expect(
        page.locator('[data-panel="milestones"] .big-number').textContent(),
      ).resolves.toBe(String(milestones));
      await expect(page.locator('[data-text-panel="about"]').innerHTML()).resolves.not.toBe(
        aboutBefore,
      );
      // It clears like any filter.
      await page.getByLabel('Tool', { exact: true }).selectOption('');
      await page.waitForURL(/\?tool=$/);
    });
  });
});

describe('drill-down', () => {
  it('a click on a bar opens the rows behind it, with the same filters, and their CSV', async () => {
    await withPage(async ({ page }) => {
      await page.goto(`${dashport.url}/dashboards/drill`);
      await waitForPanelsDrawn(page);
      await clickBar(page, 'by-source', 1);
      const drill = page.locator('[data-panel="by-source"] [data-drill-down]');
      await drill.waitFor();
      await drill.locator('table').waitFor();
      const query = new URLSearchParams((await drill.getAttribute('data-drill-down')) ?? '');
      const source = query.getAll('filter.source');
      expect(query.getAll('filter.tool')).toEqual(['eq.Benchmarking']);
      expect(query.getAll('filter.date')).toEqual(['gte.2024-01-01']);
      expect(source).toHaveLength(1);
      const value = (source[0] ?? '').replace(/^eq\./, '');
      // The rows shown are exactly the rows of that bar.
      const expected = await getJson<{ columns: string[]; rows: unknown[][] }>(
        `${dashport.url}/api/v1/datasets/trends/rows?tool=eq.Benchmarking&date=gte.2024-01-01&source=eq.${value}&limit=100`,
      );
      const shown = await drill.locator('tbody tr').count();
      expect(shown).toBe(expected.rows.length);
      const header = await drill.locator('thead th').allTextContents();
      expect(header).toContain('source');
      const cells = await drill
        .locator(`tbody tr > :nth-child(${header.indexOf('source') + 1})`)
        .allTextContents();
      expect(cells).toHaveLength(expected.rows.length);
      expect(new Set(cells)).toEqual(new Set([value]));
      const bars = await getJson<{ x: string[]; series: { y: number[] }[] }>(
        `${dashport.url}/api/v1/datasets/trends/aggregate?x=source&agg=count&tool=eq.Benchmarking&date=gte.2024-01-01`,
      );
      const count = bars.series[0]?.y[bars.x.indexOf(value)];
      const csvHref = await drill.locator('a', { hasText: 'CSV' }).getAttribute('href');
      const csv = await request(`${dashport.url}${csvHref}`);
      expect(csv.status).toBe(200);
      const lines = csv.body.toString().trim().split('\n');
      expect(lines.length - 1).toBe(count);
      expect(lines.slice(1).every((line) => line.includes(`,${value},`))).toBe(true);
    });
  });
});
