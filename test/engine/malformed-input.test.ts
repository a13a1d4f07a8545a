/**
 * A malformed file fails its dataset alone: file, line and reason in the build report, in
 * `dashport cache status`, in the dataset's `error` in /api/v1/datasets and in /health, while
 * every other dataset serves. Fixing the file brings the dataset back.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSummary, RowsResponse } from '../../src/shared/api-types.js';
import { runCli } from '../helpers/cli.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';
import { type TestApp, buildTestCache, createTestApp } from '../helpers/test-app.js';

/** Lines before the bad value: past DuckDB's type-sniffing sample, so only the reader sees it. */
const BAD_TYPE_LINE = 30_001;

/** Each broken dataset and what its error must say: `<file>:<line>: <reason>`. */
const BROKEN: Readonly<Record<string, RegExp>> = {
  unterminated: /^unterminated\.csv:3: .*unterminated quote/,
  'extra-columns': /^extra-columns\.csv:3: .*too many columns/i,
  'bad-type': new RegExp(`^bad-type\\.csv:${BAD_TYPE_LINE}: .*column n.*"abc"`),
  parts: /^b\.csv:3: .*too many columns/i,
  'broken-lines': /^broken-lines\.ndjson:3: .*not a JSON value/,
};
const GOOD = ['good', 'people'];

let tmp: TempDir;
let dataDir: string;
let cacheDir: string;
let test: TestApp;

beforeAll(async () => {
  tmp = await createTempDir('malformed');
  dataDir = tmp.join('data');
  cacheDir = tmp.join('cache');
  await mkdir(tmp.join('data', 'parts'), { recursive: true });
  await writeFile(tmp.join('data', 'good.csv'), 'a,b\n1,x\n2,y\n');
  await writeFile(tmp.join('data', 'people.json'), JSON.stringify([{ name: 'Ada', age: 36 }]));
  await writeFile(tmp.join('data', 'unterminated.csv'), 'a,b\n1,2\n3,"oops\n4,5\n6,7\n');
  await writeFile(tmp.join('data', 'extra-columns.csv'), 'a,b\n1,2\n3,4,5\n6,7\n');
  const lines = ['n,s'];
  for (let i = 1; i < 40_000; i += 1) lines.push(i === BAD_TYPE_LINE - 1 ? 'abc,row' : `${i},row`);
  await writeFile(tmp.join('data', 'bad-type.csv'), `${lines.join('\n')}\n`);
  await writeFile(tmp.join('data', 'parts', 'a.csv'), 'a,b\n1,x\n2,y\n');
  await writeFile(tmp.join('data', 'parts', 'b.csv'), 'a,b\n3,z\n4,w,extra\n');
  await writeFile(
    tmp.join('data', 'broken-lines.ndjson'),
    '{"a":1}\n{"a":2}\nthis is not JSON\n{"a":4}\n',
  );
  await writeFile(tmp.join('data', 'not-a-database.sqlite'), 'this is not SQLite');
  test = await createTestApp({ dataDir, cacheDir });
});

afterAll(async () => {
  await test?.close();
  await tmp?.remove();
});

describe('a malformed file fails its dataset alone', () => {
  it('the build fails exactly the broken datasets, naming file, line and reason', () => {
    const outcomes = test.report?.outcomes ?? [];
    const failed = Object.fromEntries(
      outcomes.flatMap(({ id, outcome }) =>
        outcome.status === 'failed' ? [[id, outcome.failure]] : [],
      ),
    );
    expect(Object.keys(failed).sort()).toEqual(Object.keys(BROKEN).sort());
    for (const [id, pattern] of Object.entries(BROKEN)) {
      expect(failed[id]?.message, id).toMatch(pattern);
      expect(failed[id]?.line, id).toBeGreaterThan(0);
      expect(failed[id]?.file, id).toMatch(/^\//);
    }
    expect(failed['bad-type']?.line).toBe(BAD_TYPE_LINE);
    expect(failed['parts']?.file).toBe(tmp.join('data', 'parts', 'b.csv'));
    expect(
      outcomes
        .filter(({ outcome }) => outcome.status === 'built')
        .map(({ id }) => id)
        .sort(),
    ).toEqual(GOOD);
    expect(test.report?.problems.map((problem) => problem.id)).toEqual(['not-a-database']);
  });

  it('/api/v1/datasets shows each broken dataset with its error and serves the rest', async () => {
    const { datasets } = (await test.app.inject('/api/v1/datasets')).json() as {
      datasets: DatasetSummary[];
    };
    const byId = new Map(datasets.map((dataset) => [dataset.id, dataset]));
    for (const [id, pattern] of Object.entries(BROKEN)) {
      expect(byId.get(id)?.state, id).toBe('broken');
      expect(byId.get(id)?.cached, id).toBe(false);
      expect(byId.get(id)?.error, id).toMatch(pattern);
    }
    expect(byId.get('not-a-database')).toMatchObject({
      state: 'broken',
      source: { kind: 'sqlite', location: 'not-a-database.sqlite' },
    });
    expect(byId.get('not-a-database')?.error).toMatch(
      /not-a-database\.sqlite: not a readable SQLite database/,
    );
    for (const id of GOOD) expect(byId.get(id)?.state, id).toBe('ready');
  });

  it('good datasets answer; a broken one is a 503 with the reason and Retry-After', async () => {
    const good = await test.app.inject('/api/v1/datasets/good/rows');
    expect(good.statusCode).toBe(200);
    expect((good.json() as RowsResponse).rows).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
    expect((await test.app.inject('/api/v1/datasets/people/aggregate')).statusCode).toBe(200);
    const broken = await test.app.inject('/api/v1/datasets/unterminated/rows');
    expect(broken.statusCode).toBe(503);
    expect(broken.headers['retry-after']).toBeDefined();
    const body = broken.json() as Record<string, unknown>;
    expect(body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'DASHPORT_ERR_DATASET_BROKEN',
    });
    expect(body['message']).toMatch(/unterminated\.csv:3: /);
  });

  it('/health names the failures', async () => {
    const health = await test.app.inject('/health');
    expect(health.body).toContain('unterminated.csv:3');
    expect(health.body).toContain(`bad-type.csv:${BAD_TYPE_LINE}`);
  });

  it('`dashport cache status` shows broken with file, line and reason, fresh for the rest', async () => {
    const result = await runCli(['cache', 'status', dataDir], {
      cwd: tmp.path,
      env: { DASHPORT_CACHE_DIR: cacheDir },
    });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^dataset\s+state\s+rows\s+built\s+detail$/);
    for (const [id, pattern] of Object.entries(BROKEN)) {
      const line = lines.find((candidate) => candidate.startsWith(`${id} `));
      expect(line, id).toMatch(new RegExp(`^${id}\\s+broken\\s+-\\s+-\\s+`));
      const detail = line?.replace(/^\S+\s+broken\s+-\s+-\s+/, '');
      expect(detail, id).toMatch(pattern);
    }
    expect(lines.find((line) => line.startsWith('good '))).toMatch(/^good\s+fresh\s+2\s+\d{4}-/);
    expect(lines.find((line) => line.startsWith('not-a-database '))).toMatch(
      /broken.*not a readable SQLite database/,
    );

    const json = await runCli(['cache', 'status', '--json', dataDir], {
      cwd: tmp.path,
      env: { DASHPORT_CACHE_DIR: cacheDir },
    });
    const entries = JSON.parse(json.stdout) as {
      id: string;
      state: string;
      error: string | null;
    }[];
    expect(Object.fromEntries(entries.map((entry) => [entry.id, entry.state]))).toEqual({
      'bad-type': 'broken',
      'broken-lines': 'broken',
      'extra-columns': 'broken',
      good: 'fresh',
      'not-a-database': 'broken',
      parts: 'broken',
      people: 'fresh',
      unterminated: 'broken',
    });
  });

  it('`dashport cache build` exits 1 listing each failure, without retrying unchanged broken files', async () => {
    const result = await runCli(['cache', 'build', dataDir], {
      cwd: tmp.path,
      env: { DASHPORT_CACHE_DIR: cacheDir },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^cache: 0 built, 2 fresh, 6 failed in [\d.]+ s/m);
    expect(result.stdout).toContain('  unterminated: unterminated.csv:3: ');
    expect(result.stdout).toContain(`  bad-type: bad-type.csv:${BAD_TYPE_LINE}: `);
    expect(result.stderr).toContain(
      'dashport: 6 dataset(s) failed to build; the others are cached',
    );
  });

  it('a fixed file is rebuilt and served', async () => {
    await writeFile(tmp.join('data', 'unterminated.csv'), 'a,b\n1,2\n3,"fixed"\n');
    const report = await buildTestCache(dataDir, cacheDir);
    expect(report.outcomes.find((outcome) => outcome.id === 'unterminated')?.outcome.status).toBe(
      'built',
    );
    expect(report.outcomes.find((outcome) => outcome.id === 'extra-columns')?.outcome.status).toBe(
      'failed',
    );
    await test.deps.catalog.refresh('unterminated');
    const rows = await test.app.inject('/api/v1/datasets/unterminated/rows');
    expect(rows.statusCode).toBe(200);
    expect((rows.json() as RowsResponse).rows).toEqual([
      [1, '2'],
      [3, 'fixed'],
    ]);
  });
});
