/**
 * The sandbox a SQL dataset runs in, on its own: even a statement that got past the check
 * (here it is handed in directly) reads only the Parquet files of its views and writes only its
 * target; files elsewhere, settings and extensions stay out of reach.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { stageSqlDataset } from '../../src/engine/sql-datasets/stage-sql-dataset.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';

let tmp: TempDir;
let parquet: string;
let secret: string;

beforeAll(async () => {
  tmp = await createTempDir('sql-sandbox');
  await mkdir(tmp.join('cache'), { recursive: true });
  parquet = tmp.join('cache', 'numbers.parquet');
  secret = tmp.join('secret.csv');
  await writeFile(secret, 'token\nhunter2\n');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(
    `COPY (SELECT range AS n, range % 3 AS g FROM range(12)) TO '${parquet}' (FORMAT parquet)`,
  );
  connection.closeSync();
  instance.closeSync();
});

afterAll(async () => {
  await tmp?.remove();
});

let counter = 0;
async function stage(text: string): Promise<string> {
  const target = tmp.join('cache', `out-${++counter}.parquet`);
  await stageSqlDataset({
    text,
    file: tmp.join('data', 'x.sql'),
    views: [
      { id: 'numbers', parquet },
      { id: 'db.numbers', parquet },
    ],
    target,
    threads: 1,
    timeoutMs: 20_000,
  });
  return target;
}

async function failure(text: string): Promise<DataError> {
  const error = await stage(text).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe('stageSqlDataset', () => {
  it('runs the SELECT over the views (ids with a dot as schema.table and quoted) into the target', async () => {
    const target = await stage(
      'SELECT g, sum(n) AS total FROM numbers JOIN db.numbers USING (n, g) JOIN "db.numbers" x USING (n, g) GROUP BY g ORDER BY g;',
    );
    expect((await stat(target)).size).toBeGreaterThan(0);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(`SELECT * FROM '${target}' ORDER BY g`)).getRows();
    connection.closeSync();
    instance.closeSync();
    // 0..11 by n % 3: 0+3+6+9, 1+4+7+10, 2+5+8+11
    expect(rows.map((row) => row.map(Number))).toEqual([
      [0, 18],
      [1, 22],
      [2, 26],
    ]);
  });

  it.each([
    [`SELECT * FROM read_csv('${'SECRET'}')`],
    [`SELECT * FROM read_text('${'SECRET'}')`],
    [`SELECT * FROM 'SECRET'`],
    [`SELECT * FROM sniff_csv('SECRET')`],
    [`SELECT * FROM glob('/etc/*')`],
    [`SELECT * FROM read_parquet('PARQUET_DIR/*.parquet')`],
  ])('refuses file access outside the views: %s', async (template) => {
    const text = template.replace('SECRET', secret).replace('PARQUET_DIR', path.dirname(parquet));
    const error = await failure(text);
    expect(error.message).toContain('Permission Error');
    expect(error.message).not.toContain('hunter2');
  });

  it('runs exactly one statement: a second one (a SET, an ATTACH, a COPY) never runs', async () => {
    const leaked = tmp.join('leak.csv');
    for (const tail of [
      'SET enable_external_access = true',
      `ATTACH '${tmp.join('x.db')}'`,
      `COPY (SELECT 1) TO '${leaked}'`,
    ]) {
      const error = await failure(`SELECT * FROM numbers; ${tail}`);
      expect(error.message).toContain('2 statements');
    }
    await expect(readFile(leaked)).rejects.toThrow();
  });

  it('names the line DuckDB names when the statement does not bind', async () => {
    const error = await failure('SELECT n,\n  missing_column\nFROM numbers');
    expect(error.line).toBe(2);
    expect(error.file).toBe(tmp.join('data', 'x.sql'));
    expect(error.message).toContain('missing_column');
  });

  it('interrupts a statement past its deadline, and spills past its memory limit', async () => {
    const slow = stageSqlDataset({
      text: 'SELECT count(*) FROM range(1000000000000) a',
      file: 'slow.sql',
      views: [],
      target: tmp.join('cache', 'slow.parquet'),
      threads: 1,
      timeoutMs: 300,
    });
    await expect(slow).rejects.toThrow('interrupted after 0.3 s');
    const spill = tmp.join('cache', '.spill');
    const target = tmp.join('cache', 'sorted.parquet');
    await stageSqlDataset({
      text: 'SELECT range AS n, md5(range::VARCHAR) AS h FROM range(1500000) ORDER BY h',
      file: 'big.sql',
      views: [],
      target,
      threads: 1,
      memoryLimit: '64MB',
      tempDirectory: spill,
      timeoutMs: 60_000,
    });
    expect((await stat(target)).size).toBeGreaterThan(20 * 1024 * 1024);
  });

  it('loads no extension at run time', async () => {
    const error = await failure("SELECT * FROM read_xlsx('x.xlsx')");
    expect(error.message).toMatch(/read_xlsx|extension|Catalog Error|Permission/);
  });
});
