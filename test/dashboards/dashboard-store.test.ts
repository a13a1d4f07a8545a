/**
 * The dashboards dir on a real filesystem: every file validated on its own, ids from file
 * names, duplicates refused, and a change picked up by the watcher without a restart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createDashboardStore } from '../../src/dashboards/dashboard-store.js';
import { dashboardIdFromFile, loadDashboards } from '../../src/dashboards/load-dashboards.js';

const VALID = 'title: Sales\ndataset: orders\npanels:\n  - type: number\n';
const dirs: string[] = [];

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dashport-store-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadDashboards', () => {
  it('derives ids from file names and skips what is not a dashboard', () => {
    expect(dashboardIdFromFile('Sales Overview.yaml')).toBe('sales-overview');
    expect(dashboardIdFromFile('ops.YML')).toBe('ops');
    expect(dashboardIdFromFile('.hidden.yaml')).toBeUndefined();
    expect(dashboardIdFromFile('notes.md')).toBeUndefined();
  });

  it('loads each file on its own and refuses a second file with the same id', async () => {
    const dir = tempDir({
      'sales.yaml': VALID,
      'Sales.yml': VALID,
      'bad.yaml': 'title: [',
      'readme.md': '#',
    });
    const set = await loadDashboards(dir);
    expect([...set.definitions.keys()]).toEqual(['sales']);
    const byFile = Object.fromEntries(set.entries.map((entry) => [entry.file, entry]));
    // Files are read in name order: the first of the two takes the id.
    expect(byFile['Sales.yml']).toMatchObject({
      valid: true,
      title: 'Sales',
      panels: 1,
      dataset: 'orders',
    });
    expect(byFile['sales.yaml']?.problems[0]?.message).toBe(
      'dashboard id "sales" is already taken by Sales.yml; rename one of the files',
    );
    expect(byFile['bad.yaml']?.problems[0]?.message).toMatch(/^not valid YAML/);
  });

  it('has no dashboards when the dir does not exist', async () => {
    expect((await loadDashboards(path.join(os.tmpdir(), 'dashport-no-such-dir'))).entries).toEqual(
      [],
    );
  });
});

describe('createDashboardStore', () => {
  it('reloads a changed file while watching, and 404s an unknown id', async () => {
    const dir = tempDir({ 'sales.yaml': VALID });
    const store = createDashboardStore({ dir, logger: pino({ level: 'silent' }) });
    await store.load();
    expect(store.get('sales').title).toBe('Sales');
    expect(() => store.get('nope')).toThrow(/unknown dashboard "nope"; dashboards are: sales/);
    const stop = store.watch();
    try {
      writeFileSync(path.join(dir, 'sales.yaml'), VALID.replace('Sales', 'Revenue'));
      writeFileSync(path.join(dir, 'ops.yaml'), 'title: Ops\ndataset: d\npanels: []\n');
      const deadline = Date.now() + 5000;
      while (
        Date.now() < deadline &&
        (store.list().length < 2 || store.get('sales').title !== 'Revenue')
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(store.get('sales').title).toBe('Revenue');
      expect(() => store.get('ops')).toThrow(
        /dashboard "ops" is invalid: ops.yaml:3 panels: a dashboard needs at least one panel/,
      );
    } finally {
      stop();
    }
  });
});
