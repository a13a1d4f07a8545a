/**
 * Chained filters of issue 11 (`depends_on: tool`) in a real browser against the real server,
 * under the SPEC's CSP with no console error: choosing a tool narrows the options of the filter
 * that depends on it to that tool's values (checked against the dataset's rows, not against the
 * options query itself), the URL holds both filters, and clearing the tool widens them again.
 */
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equalityOperand } from '../../src/shared/dashboard-types.js';
import { request } from '../deploy/server-process.js';
import {
  type CheckedPage,
  type Dashport,
  launchChromium,
  openCheckedPage,
  startDashport,
  waitForPanelsDrawn,
} from './browser-harness.js';

// The notes dataset has a few notes for most tools: small enough to know every option.
const CHAINED_YAML = `
title: Chained
dataset: notes
filters:
  - column: tool
  - column: note
    depends_on: tool
panels:
  - id: notes
    title: Notes
    type: number
`;

let dashport: Dashport;
let browser: Browser;
/** Every note of each tool, from the dataset's rows. */
let notesByTool: Map<string, Set<string>>;
let allNotes: Set<string>;
/** The notes dataset's (tool, note) rows. */
let pairs: { tool: string; note: string }[];

async function getJson<T>(url: string): Promise<T> {
  const response = await request(url);
  expect(response.status, `${url}: ${response.body.toString()}`).toBe(200);
  return JSON.parse(response.body.toString()) as T;
}

async function withPage(body: (checked: CheckedPage) => Promise<void>): Promise<void> {
  const checked = await openCheckedPage(browser, { viewport: { width: 1280, height: 900 } });
  try {
    await body(checked);
    expect(checked.problems).toEqual([]);
  } finally {
    await checked.close();
  }
}

/** The values a select offers, without its "All" entry (sorted: the order is the server's). */
async function choices(select: Locator): Promise<string[]> {
  const values = await select
    .locator('option:not([disabled])')
    .evaluateAll((options) =>
      options.map((option) => (option as unknown as { value: string }).value),
    );
  return values.filter((value) => value !== '').sort();
}

const sorted = (values: Iterable<string>): string[] => [...values].sort();

/** The value a single-select filter's URL parameter selects (`X` or `eq.X`). */
function urlSelection(url: URL, column: string): string | undefined {
  const value = url.searchParams.get(column);
  return value === null ? undefined : equalityOperand(value);
}

beforeAll(async () => {
  [dashport, browser] = await Promise.all([
    startDashport({ 'chained.yaml': CHAINED_YAML }),
    launchChromium(),
  ]);
  const rows = await getJson<{ columns: string[]; rows: (string | null)[][] }>(
    `${dashport.url}/api/v1/datasets/notes/rows?select=tool,note&limit=1000`,
  );
  const toolAt = rows.columns.indexOf('tool');
  const noteAt = rows.columns.indexOf('note');
  notesByTool = new Map();
  allNotes = new Set();
  pairs = [];
  for (const row of rows.rows) {
    const tool = row[toolAt];
    const note = row[noteAt];
    if (typeof tool !== 'string' || typeof note !== 'string') continue;
    pairs.push({ tool, note });
    allNotes.add(note);
    if (!notesByTool.has(tool)) notesByTool.set(tool, new Set());
    notesByTool.get(tool)?.add(note);
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await dashport?.stop();
});

/** The tool with the most notes, which still has fewer than all: a real narrowing. */
function narrowingTool(): { tool: string; notes: Set<string> } {
  const [tool, notes] = [...notesByTool.entries()].sort((a, b) => b[1].size - a[1].size)[0] ?? [];
  if (tool === undefined || notes === undefined) throw new Error('the notes dataset is empty');
  expect(notes.size).toBeGreaterThan(1);
  expect(notes.size).toBeLessThan(allNotes.size);
  return { tool, notes };
}

describe('chained filters (depends_on)', () => {
  it('a tool narrows the note options, the URL holds both, clearing the tool widens them', async () => {
    const { tool, notes } = narrowingTool();
    await withPage(async ({ page }) => {
      await page.goto(`${dashport.url}/dashboards/chained`);
      await waitForPanelsDrawn(page);
      const toolSelect = page.getByLabel('Tool', { exact: true });
      const noteSelect = page.getByLabel('Note', { exact: true });
      await expect(choices(toolSelect)).resolves.toEqual(sorted(notesByTool.keys()));
      await expect(choices(noteSelect)).resolves.toEqual(sorted(allNotes));

      await toolSelect.selectOption(tool);
      await page.waitForURL((url) => urlSelection(url, 'tool') === tool);
      await expect.poll(() => choices(noteSelect), { timeout: 10_000 }).toEqual(sorted(notes));

      const note = sorted(notes)[0] ?? '';
      await noteSelect.selectOption(note);
      await page.waitForURL((url) => urlSelection(url, 'note') === note);
      const both = new URL(page.url());
      expect(urlSelection(both, 'tool')).toBe(tool);
      expect(urlSelection(both, 'note')).toBe(note);
      await waitForPanelsDrawn(page);
      // The panel counts the rows of that tool and that note.
      const shown = pairs.filter((pair) => pair.tool === tool && pair.note === note).length;
      await expect(page.locator('[data-panel="notes"] .big-number').textContent()).resolves.toBe(
        String(shown),
      );

      await toolSelect.selectOption('');
      await page.waitForURL((url) => !url.searchParams.has('tool'));
      expect(urlSelection(new URL(page.url()), 'note')).toBe(note);
      await expect.poll(() => choices(noteSelect), { timeout: 10_000 }).toEqual(sorted(allNotes));
      await expect(noteSelect.inputValue()).resolves.toBe(note);
    });
  });

  it('a link naming the tool opens with the note options already narrowed', async () => {
    const { tool, notes } = narrowingTool();
    await withPage(async ({ page }) => {
      await page.goto(
        `${dashport.url}/dashboards/chained?tool=${encodeURIComponent(`eq.${tool}`)}`,
      );
      await waitForPanelsDrawn(page);
      await expect(page.getByLabel('Tool', { exact: true }).inputValue()).resolves.toBe(tool);
      await expect(choices(page.getByLabel('Note', { exact: true }))).resolves.toEqual(
        sorted(notes),
      );
      await expect(page.locator('[data-panel="notes"] .big-number').textContent()).resolves.toBe(
        String(pairs.filter((pair) => pair.tool === tool).length),
      );
    });
  });
});
