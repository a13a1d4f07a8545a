/**
 * What in a data dir is a dataset (SPEC §4), on real folders: files and folders of files,
 * SQLite tables, ignored names, mixed folders reported, duplicate ids refused naming both.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashportError } from '../../src/errors.js';
import { discoverSources } from '../../src/engine/discover.js';
import { loadDatasetSources } from '../../src/engine/load-datasets.js';
import { runCli } from '../helpers/cli.js';
import { writeFixtureDataDir } from '../helpers/fixture-data.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';
import { buildTestCache } from '../helpers/test-app.js';

let tmp: TempDir;

beforeAll(async () => {
  tmp = await createTempDir('discover');
});

afterAll(async () => {
  await tmp?.remove();
});

describe('discoverSources and loadDatasetSources', () => {
  it('finds files, folders and SQLite tables, and skips what is not data', async () => {
    const dir = tmp.join('mixed');
    await writeFixtureDataDir(dir);
    await writeFile(tmp.join('mixed', 'README.md'), '# not data');
    await writeFile(tmp.join('mixed', 'dashport.yml'), 'datasets: {}\n');
    await writeFile(tmp.join('mixed', 'dashboards', 'ops.csv'), 'a\n1\n');
    await mkdir(tmp.join('mixed', 'nested', 'deeper'), { recursive: true });
    await writeFile(tmp.join('mixed', 'nested', 'one.ndjson'), '{"a":1}\n');
    await writeFile(tmp.join('mixed', 'nested', 'deeper', 'two.ndjson'), '{"a":2}\n');
    await writeFile(tmp.join('mixed', 'nested', '.hidden.ndjson'), '{"a":3}\n');
    await mkdir(tmp.join('mixed', 'empty-folder'));
    await symlink(tmp.join('mixed', 'people.json'), tmp.join('mixed', 'Linked People.json'));

    const sources = await loadDatasetSources(dir);
    expect(sources.sources.map((source) => [source.id, source.kind, source.location])).toEqual([
      ['events', 'csv', 'events.tsv'],
      ['linked-people', 'json', 'Linked People.json'],
      ['logs', 'ndjson', 'logs.ndjson'],
      ['measurements', 'csv', 'measurements.csv'],
      ['monthly', 'csv', 'monthly/'],
      ['nested', 'ndjson', 'nested/'],
      ['people', 'json', 'people.json'],
      ['sales', 'parquet', 'sales.parquet'],
      ['shop.customers', 'sqlite', 'shop.sqlite#customers'],
      ['shop.orders', 'sqlite', 'shop.sqlite#orders'],
    ]);
    const nested = sources.sources.find((source) => source.id === 'nested');
    expect(nested?.files).toEqual([
      tmp.join('mixed', 'nested', 'deeper', 'two.ndjson'),
      tmp.join('mixed', 'nested', 'one.ndjson'),
    ]);
    expect(sources.sources.find((source) => source.id === 'monthly')?.files).toHaveLength(3);
    expect(sources.settings['measurements']?.label_column).toBe('label');
    expect(sources.problems).toEqual([]);
  });

  it('reports a folder that mixes formats instead of guessing', async () => {
    const dir = tmp.join('mixed-folder');
    await mkdir(tmp.join('mixed-folder', 'parts'), { recursive: true });
    await writeFile(tmp.join('mixed-folder', 'parts', 'a.csv'), 'a\n1\n');
    await writeFile(tmp.join('mixed-folder', 'parts', 'b.json'), '[{"a":2}]');
    const discovery = await discoverSources(dir);
    expect(discovery.sources).toEqual([]);
    expect(discovery.problems).toEqual([
      {
        location: 'parts',
        reason: 'folder mixes formats (csv, json); a folder dataset must hold one format',
      },
    ]);
  });

  it('refuses two sources with one id, naming both', async () => {
    const dir = tmp.join('duplicates');
    await mkdir(dir);
    await writeFile(tmp.join('duplicates', 'Sales.csv'), 'a\n1\n');
    await writeFile(tmp.join('duplicates', 'sales.ndjson'), '{"a":1}\n');
    let caught: unknown;
    try {
      await loadDatasetSources(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DashportError);
    expect((caught as DashportError).code).toBe('DASHPORT_ERR_DUPLICATE_DATASET');
    expect((caught as Error).message).toBe(
      'two sources have the dataset id "sales": Sales.csv and sales.ndjson; rename one of them',
    );
    const cli = await runCli(['cache', 'build', dir], {
      cwd: tmp.path,
      env: { DASHPORT_CACHE_DIR: tmp.join('dup-cache') },
    });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(
      'dashport: two sources have the dataset id "sales": Sales.csv and sales.ndjson',
    );
  });

  it('refuses an invalid dashport.yaml naming the file and the path', async () => {
    const dir = tmp.join('bad-settings');
    await mkdir(dir);
    await writeFile(tmp.join('bad-settings', 'a.csv'), 'a\n1\n');
    await writeFile(
      tmp.join('bad-settings', 'dashport.yaml'),
      'datasets:\n  a:\n    types: { a: decimal }\n',
    );
    await expect(loadDatasetSources(dir)).rejects.toThrow(
      /bad-settings\/dashport\.yaml: datasets\.a\.types\.a: /,
    );
  });

  it('fails a dataset whose types: override names a column it does not have', async () => {
    const dir = tmp.join('bad-override');
    await mkdir(dir);
    await writeFile(tmp.join('bad-override', 'a.csv'), 'x\n1\n');
    await writeFile(tmp.join('bad-override', 'b.csv'), 'y\n2\n');
    await writeFile(
      tmp.join('bad-override', 'dashport.yaml'),
      'datasets:\n  a:\n    types: { nope: string }\n',
    );
    const report = await buildTestCache(dir, tmp.join('bad-override-cache'));
    const a = report.outcomes.find((outcome) => outcome.id === 'a')?.outcome;
    expect(a?.status).toBe('failed');
    expect(a?.status === 'failed' ? a.failure.message : '').toContain(
      'dashport.yaml: datasets.a.types.nope: no such column in a.csv',
    );
    expect(report.outcomes.find((outcome) => outcome.id === 'b')?.outcome.status).toBe('built');
  });

  it('refuses a data dir that does not exist', async () => {
    await expect(loadDatasetSources(tmp.join('missing'))).rejects.toMatchObject({
      code: 'DASHPORT_ERR_CONFIG',
      message: `DASHPORT_DATA_DIR must be a readable folder, got "${tmp.join('missing')}" (it does not exist)`,
    });
  });
});
