import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAND_EDGES_KHZ, SPOT_BANDS, SPOT_MODES } from '../../../bench/generate/spots-bands.js';
import { generateSpots } from '../../../bench/generate/spots.js';
import { writeAtomically } from '../../../bench/generate/atomic-file.js';

const ROWS = 20_000;
let dir: string;
let instance: DuckDBInstance;
let db: DuckDBConnection;

async function digest(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

async function rowsOf(sql: string): Promise<Record<string, unknown>[]> {
  return (await db.runAndReadAll(sql)).getRowObjectsJS();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dashport-spots-'));
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});

afterAll(async () => {
  db.closeSync();
  instance.closeSync();
  await rm(dir, { recursive: true, force: true });
});

describe('generateSpots', () => {
  let parquet: string;

  beforeAll(async () => {
    parquet = path.join(dir, 'spots.parquet');
    const result = await generateSpots(parquet, ROWS, {
      threads: 1,
      csvFile: path.join(dir, 'spots.csv'),
    });
    expect(result).toMatchObject({ file: parquet, rows: ROWS });
    expect(result.bytes).toBe((await stat(parquet)).size);
    expect(result.csv?.rows).toBe(ROWS);
  });

  it('writes byte-identical files for the same seed, whatever the thread count', async () => {
    const again = path.join(dir, 'again.parquet');
    await generateSpots(again, ROWS, { threads: 2 });
    expect(await digest(again)).toBe(await digest(parquet));
    const other = path.join(dir, 'other.parquet');
    await generateSpots(other, ROWS, { seed: 7 });
    expect(await digest(other)).not.toBe(await digest(parquet));
  });

  it('has exactly the requested rows and the promised columns, sorted by time', async () => {
    const columns = await rowsOf(`DESCRIBE SELECT * FROM '${parquet}'`);
    expect(columns.map((c) => `${String(c['column_name'])}:${String(c['column_type'])}`)).toEqual([
      'ts:TIMESTAMP',
      'frequency:DOUBLE',
      'band:VARCHAR',
      'mode:VARCHAR',
      'spotter:VARCHAR',
      'callsign:VARCHAR',
      'country:VARCHAR',
    ]);
    const [summary] = await rowsOf(`
      SELECT count(*)::INTEGER AS n, min(ts)::VARCHAR AS first, max(ts)::VARCHAR AS last,
        bool_and(ts >= prev) AS sorted, count(*) FILTER (WHERE callsign IS NULL OR country IS NULL)::INTEGER AS nulls
      FROM (SELECT *, lag(ts, 1, ts) OVER () AS prev FROM '${parquet}')`);
    expect(summary).toMatchObject({ n: ROWS, sorted: true, nulls: 0 });
    expect(String(summary?.['first']) >= '2024-11-01 00:00:00').toBe(true);
    expect(String(summary?.['last']) < '2024-12-01 00:00:00').toBe(true);
  });

  it('keeps every frequency inside its band and every value in its vocabulary', async () => {
    const bands = await rowsOf(
      `SELECT band, min(frequency) AS low, max(frequency) AS high FROM '${parquet}' GROUP BY band`,
    );
    expect(bands.map((b) => b['band']).sort()).toEqual([...SPOT_BANDS].sort());
    for (const band of bands) {
      const [low, high] = BAND_EDGES_KHZ[band['band'] as (typeof SPOT_BANDS)[number]];
      expect(band['low'] as number).toBeGreaterThanOrEqual(low);
      expect(band['high'] as number).toBeLessThanOrEqual(high);
    }
    const modes = await rowsOf(`SELECT DISTINCT mode FROM '${parquet}' ORDER BY mode`);
    expect(modes.map((m) => m['mode'])).toEqual([...SPOT_MODES].sort());
  });

  it('gives each callsign one country and a skewed country distribution', async () => {
    const [split] = await rowsOf(`SELECT count(*)::INTEGER AS n FROM (
      SELECT callsign FROM '${parquet}' GROUP BY callsign HAVING count(DISTINCT country) > 1)`);
    expect(split?.['n']).toBe(0);
    const countries = await rowsOf(
      `SELECT country, count(*)::INTEGER AS n FROM '${parquet}' GROUP BY country ORDER BY n DESC`,
    );
    expect(countries[0]?.['country']).toBe('United States');
    expect(countries.length).toBeGreaterThan(40);
    expect(countries.at(-1)?.['n'] as number).toBeLessThan((countries[0]?.['n'] as number) / 50);
  });

  it('has 20 m busy by day and 40/80 m busy by night', async () => {
    const [shares] = await rowsOf(`SELECT
        avg((band = '20m')::INTEGER) FILTER (WHERE hour(ts) BETWEEN 12 AND 15) AS day20,
        avg((band = '20m')::INTEGER) FILTER (WHERE hour(ts) BETWEEN 0 AND 3) AS night20,
        avg((band IN ('40m', '80m'))::INTEGER) FILTER (WHERE hour(ts) BETWEEN 12 AND 15) AS day4080,
        avg((band IN ('40m', '80m'))::INTEGER) FILTER (WHERE hour(ts) BETWEEN 0 AND 3) AS night4080
      FROM '${parquet}'`);
    expect(shares?.['day20'] as number).toBeGreaterThan(1.5 * (shares?.['night20'] as number));
    expect(shares?.['night4080'] as number).toBeGreaterThan(2 * (shares?.['day4080'] as number));
  });

  it('writes the same rows as CSV when asked', async () => {
    const csv = path.join(dir, 'spots.csv');
    const [diff] = await rowsOf(`SELECT
      (SELECT count(*) FROM (SELECT * FROM '${parquet}' EXCEPT ALL SELECT * FROM read_csv('${csv}')))::INTEGER AS missing,
      (SELECT count(*) FROM read_csv('${csv}'))::INTEGER AS n`);
    expect(diff).toEqual({ missing: 0, n: ROWS });
  });

  it('leaves no temporary files behind and rejects a row count below 1', async () => {
    const hidden = (await readdir(dir)).filter((name) => name.startsWith('.'));
    expect(hidden).toEqual([]);
    await expect(generateSpots(path.join(dir, 'none.parquet'), 0)).rejects.toThrow(/rows/);
  });
});

describe('writeAtomically', () => {
  it('removes the temporary file and leaves no target when the writer fails', async () => {
    const target = path.join(dir, 'fails.txt');
    await expect(
      writeAtomically(target, async (temporaryFile) => {
        await writeFile(temporaryFile, 'partial');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    const names = await readdir(dir);
    expect(names.filter((name) => name.includes('fails.txt'))).toEqual([]);
  });
});

describe('spots CLI', () => {
  it('writes the file it is told to and reports rows and bytes', async () => {
    const out = path.join(dir, 'cli.parquet');
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'bench/generate/spots.ts', '--rows', '2_000', '--out', out],
      { cwd: path.resolve(import.meta.dirname, '../../..') },
    );
    expect(stdout).toMatch(new RegExp(`cli\\.parquet: 2000 rows, ${(await stat(out)).size} bytes`));
  });

  it('exits with the usage code on a bad option', async () => {
    const run = promisify(execFile)('npx', ['tsx', 'bench/generate/spots.ts', '--rows', 'many'], {
      cwd: path.resolve(import.meta.dirname, '../../..'),
    });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--rows') });
  });
});
