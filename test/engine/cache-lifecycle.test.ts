/**
 * The columnar cache across builds and restarts: unchanged sources are reused, touched but
 * identical ones stay fresh, changed sources and changed settings are rebuilt, a build killed
 * mid-way never leaves an entry that is later read, and concurrent builders share the work.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheStatusReport } from '../../src/engine/cache-status.js';
import { type Manifest, datasetCacheDir, readManifest } from '../../src/engine/cache-store.js';
import type { AggregateResponse, DatasetDetail, RowsResponse } from '../../src/shared/api-types.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { csvText } from '../helpers/fixture-data.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';
import { type TestApp, buildTestCache, createTestApp } from '../helpers/test-app.js';

let tmp: TempDir;

beforeAll(async () => {
  tmp = await createTempDir('lifecycle');
});

afterAll(async () => {
  await tmp?.remove();
});

function outcomeOf(
  report: Awaited<ReturnType<typeof buildTestCache>>,
  id: string,
): string | undefined {
  return report.outcomes.find((outcome) => outcome.id === id)?.outcome.status;
}

async function parquetOf(
  cacheDir: string,
  id: string,
): Promise<{ manifest: Manifest; file: string; mtimeMs: number }> {
  const manifest = await readManifest(cacheDir, id);
  if (!manifest) throw new Error(`no manifest for ${id}`);
  const file = path.join(datasetCacheDir(cacheDir, id), manifest.parquetFile);
  return { manifest, file, mtimeMs: (await stat(file)).mtimeMs };
}

describe('reuse and rebuild', () => {
  let dataDir: string;
  let cacheDir: string;
  let test: TestApp;
  const small = (values: readonly number[]): string =>
    csvText(
      ['k', 'v', 'code'],
      values.map((v, i) => ({ k: `k${i}`, v, code: String(100 + i) })),
    );

  beforeAll(async () => {
    dataDir = tmp.join('reuse', 'data');
    cacheDir = tmp.join('reuse', 'cache');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'small.csv'), small([1, 2, 3]));
    await writeFile(path.join(dataDir, 'other.json'), JSON.stringify([{ a: 1 }, { a: 2 }]));
    test = await createTestApp({ dataDir, cacheDir });
  });

  afterAll(async () => {
    await test?.close();
  });

  it('builds every dataset the first time', () => {
    expect(test.report?.outcomes.map(({ id, outcome }) => [id, outcome.status])).toEqual([
      ['other', 'built'],
      ['small', 'built'],
    ]);
  });

  it('reuses unchanged entries: fresh, the Parquet file untouched', async () => {
    const before = await parquetOf(cacheDir, 'small');
    const report = await buildTestCache(dataDir, cacheDir);
    expect(outcomeOf(report, 'small')).toBe('fresh');
    expect(outcomeOf(report, 'other')).toBe('fresh');
    const after = await parquetOf(cacheDir, 'small');
    expect(after.file).toBe(before.file);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.manifest.builtAt).toBe(before.manifest.builtAt);
    const status = await cacheStatusReport(dataDir, cacheDir);
    expect(status.map((entry) => [entry.id, entry.state])).toEqual([
      ['other', 'fresh'],
      ['small', 'fresh'],
    ]);
  });

  it('keeps a touched but unchanged file fresh by its content hash', async () => {
    const before = await parquetOf(cacheDir, 'small');
    const future = new Date(Date.now() + 60_000);
    await utimes(path.join(dataDir, 'small.csv'), future, future);
    expect(
      (await cacheStatusReport(dataDir, cacheDir)).find((entry) => entry.id === 'small')?.state,
    ).toBe('stale');
    const report = await buildTestCache(dataDir, cacheDir);
    expect(outcomeOf(report, 'small')).toBe('fresh');
    const after = await parquetOf(cacheDir, 'small');
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.manifest.contentHash).toBe(before.manifest.contentHash);
    expect(after.manifest.sources[0]?.mtimeMs).toBe(
      (await stat(path.join(dataDir, 'small.csv'))).mtimeMs,
    );
    expect(after.manifest.sources[0]?.mtimeMs).not.toBe(before.manifest.sources[0]?.mtimeMs);
    expect(
      (await cacheStatusReport(dataDir, cacheDir)).find((entry) => entry.id === 'small')?.state,
    ).toBe('fresh');
  });

  it('serves from the cache after a restart without building', async () => {
    const restarted = await createTestApp({ dataDir, cacheDir, build: false });
    try {
      const rows = (
        await restarted.app.inject('/api/v1/datasets/small/rows?select=v&order=v')
      ).json() as RowsResponse;
      expect(rows.rows).toEqual([[1], [2], [3]]);
    } finally {
      await restarted.close();
    }
  });

  it('rebuilds a changed file alone and serves the new answers', async () => {
    const url = '/api/v1/datasets/small/aggregate?agg=sum&y=v';
    const before = await test.app.inject(url);
    expect((before.json() as AggregateResponse).series[0]?.y).toEqual([6]);
    const old = await parquetOf(cacheDir, 'small');
    await writeFile(path.join(dataDir, 'small.csv'), small([10, 20, 30, 40]));
    expect(
      (await cacheStatusReport(dataDir, cacheDir)).find((entry) => entry.id === 'small')?.state,
    ).toBe('stale');
    const report = await buildTestCache(dataDir, cacheDir);
    expect(outcomeOf(report, 'small')).toBe('built');
    expect(outcomeOf(report, 'other')).toBe('fresh');
    await test.deps.catalog.refresh('small');
    const after = await test.app.inject(url);
    expect((after.json() as AggregateResponse).series[0]?.y).toEqual([100]);
    expect(after.headers['etag']).not.toBe(before.headers['etag']);
    const conditional = await test.app.inject({
      url,
      headers: { 'if-none-match': String(before.headers['etag']) },
    });
    expect(conditional.statusCode).toBe(200);
    const current = await parquetOf(cacheDir, 'small');
    expect(current.manifest.rows).toBe(4);
    expect(current.file).not.toBe(old.file);
    const left = await readdir(datasetCacheDir(cacheDir, 'small'));
    expect(left.sort()).toEqual(
      [current.manifest.analysisFile, 'manifest.json', current.manifest.parquetFile].sort(),
    );
  });

  it('rebuilds when dashport.yaml changes a column type', async () => {
    const describe = async (): Promise<DatasetDetail> =>
      (await test.app.inject('/api/v1/datasets/small')).json() as DatasetDetail;
    expect((await describe()).columns.find((column) => column.name === 'code')?.type).toBe(
      'integer',
    );
    await writeFile(
      path.join(dataDir, 'dashport.yaml'),
      'datasets:\n  small:\n    types: { code: string }\n',
    );
    expect(
      (await cacheStatusReport(dataDir, cacheDir)).find((entry) => entry.id === 'small')?.state,
    ).toBe('stale');
    // Until the rebuild commits, a reloaded catalog keeps serving the entry it has, as stale.
    await test.deps.catalog.load();
    expect((await describe()).columns.find((column) => column.name === 'code')?.type).toBe(
      'integer',
    );
    expect(test.deps.catalog.warm()).toBe(false);
    const report = await buildTestCache(dataDir, cacheDir);
    expect(outcomeOf(report, 'small')).toBe('built');
    expect(outcomeOf(report, 'other')).toBe('fresh');
    await test.deps.catalog.refresh('small');
    expect(test.deps.catalog.warm()).toBe(true);
    expect((await describe()).columns.find((column) => column.name === 'code')?.type).toBe(
      'string',
    );
    const rows = (
      await test.app.inject('/api/v1/datasets/small/rows?select=code&order=code&limit=1')
    ).json() as RowsResponse;
    expect(rows.rows).toEqual([['100']]);
  });
});

/** Rows of the big CSV: enough (~48 MB) that its build takes long enough to be killed mid-way. */
const BIG_ROWS = 1_400_000;

async function writeBigCsv(file: string): Promise<{ rows: number; sum: number }> {
  const out = createWriteStream(file);
  const finished = new Promise<void>((resolve, reject) => {
    out.on('finish', () => resolve());
    out.on('error', reject);
  });
  out.write('id,value,grp,ts\n');
  const start = Date.UTC(2024, 0, 1);
  let sum = 0;
  let chunk = '';
  for (let i = 0; i < BIG_ROWS; i += 1) {
    const value = (i * 7919) % 1000;
    sum += value;
    chunk += `${i},${value},g${i % 10},${new Date(start + i * 1000).toISOString().slice(0, 19).replace('T', ' ')}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.end(chunk);
  await finished;
  return { rows: BIG_ROWS, sum };
}

describe('a build killed mid-way', () => {
  it('leaves no half-written entry; the next build is complete and correct', async () => {
    const dataDir = tmp.join('crash', 'data');
    const cacheDir = tmp.join('crash', 'cache');
    await mkdir(dataDir, { recursive: true });
    const expected = await writeBigCsv(path.join(dataDir, 'big.csv'));
    const env = { DASHPORT_CACHE_DIR: cacheDir };

    const doomed = spawnCli(['cache', 'build', dataDir], { cwd: tmp.path, env });
    await doomed.waitForOutput(/big converting/, 60_000);
    doomed.child.kill('SIGKILL');
    const killed = await doomed.exited;
    expect(killed.signal, 'the build must still be running when it is killed').toBe('SIGKILL');
    expect(killed.stdout).not.toMatch(/dataset big built/);

    // Nothing half-written is taken for an entry: no manifest, status missing.
    expect(await readManifest(cacheDir, 'big')).toBeUndefined();
    const status = await runCli(['cache', 'status', '--json', dataDir], { cwd: tmp.path, env });
    expect(
      (JSON.parse(status.stdout) as { id: string; state: string }[]).map((entry) => [
        entry.id,
        entry.state,
      ]),
    ).toEqual([['big', 'missing']]);

    // The dead builder's lock does not block the next build, which completes.
    const rebuild = await runCli(['cache', 'build', dataDir], { cwd: tmp.path, env });
    expect(rebuild.code, rebuild.stdout + rebuild.stderr).toBe(0);
    expect(rebuild.stdout).toMatch(/^cache: 1 built, 0 fresh, 0 failed/m);

    const manifestText = await readFile(
      path.join(datasetCacheDir(cacheDir, 'big'), 'manifest.json'),
      'utf8',
    );
    const manifest = JSON.parse(manifestText) as Manifest;
    expect(manifest).toMatchObject({ id: 'big', rows: expected.rows, kind: 'csv' });
    expect(manifest.parquetFile).not.toMatch(/^\.tmp-/);
    expect(manifest.analysisFile).not.toMatch(/^\.tmp-/);
    const files = await readdir(datasetCacheDir(cacheDir, 'big'));
    expect(files.filter((name) => name.startsWith('.tmp-'))).toEqual([]);
    expect(files.sort()).toEqual(
      [manifest.analysisFile, 'manifest.json', manifest.parquetFile].sort(),
    );
    expect((await readdir(cacheDir)).filter((name) => name === '.build.lock')).toEqual([]);

    const test = await createTestApp({ dataDir, cacheDir, build: false });
    try {
      const total = (
        await test.app.inject('/api/v1/datasets/big/aggregate?agg=sum&y=value')
      ).json() as AggregateResponse;
      expect(total.series[0]?.y).toEqual([expected.sum]);
      expect(total.meta.rowsScanned).toBe(expected.rows);
      const last = (
        await test.app.inject('/api/v1/datasets/big/rows?order=id.desc&limit=1')
      ).json() as RowsResponse;
      const lastId = BIG_ROWS - 1;
      expect(last.rows).toEqual([
        [
          lastId,
          (lastId * 7919) % 1000,
          `g${lastId % 10}`,
          new Date(Date.UTC(2024, 0, 1) + lastId * 1000).toISOString(),
        ],
      ]);
    } finally {
      await test.close();
    }
  });
});

describe('two concurrent builders', () => {
  it('build each dataset once under the lock and both exit 0', async () => {
    const dataDir = tmp.join('concurrent', 'data');
    const cacheDir = tmp.join('concurrent', 'cache');
    await mkdir(dataDir, { recursive: true });
    for (const name of ['a', 'b', 'c']) {
      const rows = Array.from({ length: 150_000 }, (_, i) => ({
        id: i,
        name: `${name}${i % 50}`,
        value: (i * 31) % 97,
      }));
      await writeFile(path.join(dataDir, `${name}.csv`), csvText(['id', 'name', 'value'], rows));
    }
    const env = { DASHPORT_CACHE_DIR: cacheDir };
    const [first, second] = await Promise.all([
      runCli(['cache', 'build', dataDir], { cwd: tmp.path, env }),
      runCli(['cache', 'build', dataDir], { cwd: tmp.path, env }),
    ]);
    expect(first?.code, first?.stdout).toBe(0);
    expect(second?.code, second?.stdout).toBe(0);
    const counts = [first, second].map((result) => {
      const match = /^cache: (\d+) built, (\d+) fresh, (\d+) failed/m.exec(result?.stdout ?? '');
      return { built: Number(match?.[1]), fresh: Number(match?.[2]), failed: Number(match?.[3]) };
    });
    expect(counts.map((count) => count.built).sort()).toEqual([0, 3]);
    expect(counts.map((count) => count.fresh).sort()).toEqual([0, 3]);
    expect(counts.every((count) => count.failed === 0)).toBe(true);
    const status = await cacheStatusReport(dataDir, cacheDir);
    expect(status.map((entry) => entry.state)).toEqual(['fresh', 'fresh', 'fresh']);
  });
});
