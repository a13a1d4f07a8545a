/**
 * The committed example data dir (the default DATA_DIR) has the promised datasets and shapes,
 * and is what the generator produces today: regenerating gives the same files.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES_DATA_DIR, generateExamples } from '../../scripts/generate-examples.js';
import { parseSettings } from '../../src/engine/dataset-settings.js';

const MB = 1024 * 1024;
const DATASET_FILES = [
  'trends.csv',
  'notes.csv',
  'spots.parquet',
  'heartbeats.csv',
  'seattle-weather.csv',
  'noted-trends.sql',
];

let instance: DuckDBInstance;
let db: DuckDBConnection;

function dataFile(name: string): string {
  return path.join(EXAMPLES_DATA_DIR, name);
}

async function rowsOf(sql: string): Promise<unknown[][]> {
  return (await db.runAndReadAll(sql)).getRowsJS();
}

async function columnsOf(file: string): Promise<string[]> {
  return (await rowsOf(`DESCRIBE SELECT * FROM '${file}'`)).map((row) => String(row[0]));
}

/** A file's SHA-256: comparing digests is instant where deep-equal on a 3 MB Buffer is not. */
async function digest(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? await directoryBytes(full) : (await stat(full)).size;
  }
  return total;
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});

afterAll(() => {
  db.closeSync();
  instance.closeSync();
});

describe('bundled examples', () => {
  it('ship every dataset, the settings and the README within the size budget', async () => {
    const names = await readdir(EXAMPLES_DATA_DIR);
    expect(names).toEqual(expect.arrayContaining([...DATASET_FILES, 'dashport.yaml']));
    await expect(stat(path.join(EXAMPLES_DATA_DIR, '..', 'README.md'))).resolves.toBeTruthy();
    expect(names.filter((name) => name.startsWith('.') && name.endsWith('.tmp'))).toEqual([]);
    expect(await directoryBytes(EXAMPLES_DATA_DIR)).toBeLessThanOrEqual(12 * MB);
    expect((await stat(dataFile('spots.parquet'))).size).toBeLessThanOrEqual(4 * MB);
    expect((await stat(dataFile('heartbeats.csv'))).size).toBeLessThanOrEqual(5 * MB);
  });

  it('have a monthly trends table of tool × source × month', async () => {
    const file = dataFile('trends.csv');
    expect(await columnsOf(file)).toEqual(['date', 'tool', 'source', 'value']);
    const [row] = await rowsOf(`SELECT count(*)::INTEGER, count(DISTINCT tool)::INTEGER,
        count(DISTINCT source)::INTEGER, min(date)::VARCHAR, max(date)::VARCHAR,
        min(date) FILTER (WHERE source = 'google_trends')::VARCHAR,
        bool_and(day(date) = 1), typeof(any_value(value))
      FROM '${file}'`);
    expect(row).toEqual([
      expect.any(Number),
      8,
      5,
      '1990-01-01',
      '2024-12-01',
      '2004-01-01',
      true,
      'DOUBLE',
    ]);
    expect(row?.[0] as number).toBeGreaterThan(2_000);
  });

  it('have notes dated within the trends range on its tools', async () => {
    const file = dataFile('notes.csv');
    expect(await columnsOf(file)).toEqual(['date', 'tool', 'note']);
    const [row] = await rowsOf(`SELECT count(*)::INTEGER,
        count(*) FILTER (WHERE tool NOT IN (SELECT tool FROM '${dataFile('trends.csv')}'))::INTEGER,
        min(date) >= DATE '1990-01-01' AND max(date) <= DATE '2024-12-31'
      FROM '${file}'`);
    expect(row?.[0] as number).toBeGreaterThanOrEqual(10);
    expect(row?.slice(1)).toEqual([0, true]);
  });

  it('have a radio spots event table with at least 100k rows', async () => {
    const file = dataFile('spots.parquet');
    expect(await columnsOf(file)).toEqual([
      'ts',
      'frequency',
      'band',
      'mode',
      'spotter',
      'callsign',
      'country',
    ]);
    const [row] = await rowsOf(`SELECT count(*)::INTEGER, count(DISTINCT band)::INTEGER,
        count(DISTINCT mode)::INTEGER, count(DISTINCT country)::INTEGER,
        (max(ts) - min(ts)) > INTERVAL 25 DAY
      FROM '${file}'`);
    expect(row?.[0] as number).toBeGreaterThanOrEqual(100_000);
    expect(row?.slice(1)).toEqual([10, 5, expect.any(Number), true]);
    expect(row?.[3] as number).toBeGreaterThan(40);
  });

  it('have a wide labelled heartbeat table: 187 samples and a class 0..4', async () => {
    const file = dataFile('heartbeats.csv');
    const columns = await columnsOf(file);
    expect(columns).toHaveLength(188);
    expect([columns[0], columns[186], columns[187]]).toEqual(['c000', 'c186', 'label']);
    const counts = await rowsOf(
      `SELECT label::INTEGER, count(*)::INTEGER FROM '${file}' GROUP BY label ORDER BY label`,
    );
    expect(counts.map((row) => row[0])).toEqual([0, 1, 2, 3, 4]);
    const total = counts.reduce((sum, row) => sum + (row[1] as number), 0);
    expect(total).toBe(3_000);
    expect(counts[0]?.[1] as number).toBeGreaterThan(total / 2);
    const [range] = await rowsOf(
      `SELECT min(least(${columns.slice(0, 187).join(', ')})), max(greatest(${columns.slice(0, 187).join(', ')})) FROM '${file}'`,
    );
    expect(range?.[0] as number).toBeGreaterThanOrEqual(0);
    expect(range?.[1] as number).toBeLessThanOrEqual(1);
  });

  it('ship the Seattle weather file unchanged from vega-datasets', async () => {
    const entry = createRequire(import.meta.url).resolve('vega-datasets');
    const original = path.join(path.dirname(entry), '..', 'data', 'seattle-weather.csv');
    expect(await digest(dataFile('seattle-weather.csv'))).toBe(await digest(original));
  });

  it('have valid settings that name existing datasets', async () => {
    const text = await readFile(dataFile('dashport.yaml'), 'utf8');
    const settings = parseSettings(text, 'dashport.yaml');
    const ids = DATASET_FILES.map((name) => name.replace(/\.[^.]+$/, ''));
    expect(Object.keys(settings).sort()).toEqual([...ids].sort());
    expect(settings['trends']).toMatchObject({ time_column: 'date' });
    expect(settings['notes']).toMatchObject({ time_column: 'date' });
    expect(settings['spots']).toMatchObject({ time_column: 'ts', live: true });
    expect(settings['heartbeats']).toMatchObject({
      label_column: 'label',
      types: { label: 'string' },
    });
    expect(settings['seattle-weather']).toMatchObject({
      time_column: 'date',
      label_column: 'weather',
    });
    for (const dataset of Object.values(settings)) expect(dataset.title).toBeTruthy();
  });

  it('are what the generator writes today', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dashport-examples-'));
    try {
      const files = await generateExamples(dir);
      expect(files.map((file) => file.name).sort()).toEqual(
        [...DATASET_FILES, 'dashport.yaml'].sort(),
      );
      for (const name of [
        'trends.csv',
        'notes.csv',
        'heartbeats.csv',
        'seattle-weather.csv',
        'noted-trends.sql',
        'dashport.yaml',
      ]) {
        expect(await digest(path.join(dir, name)), name).toBe(await digest(dataFile(name)));
      }
      // Parquet bytes embed the writer's version; compare the rows instead.
      const fresh = path.join(dir, 'spots.parquet');
      const committed = dataFile('spots.parquet');
      const [diff] = await rowsOf(`SELECT
        (SELECT count(*) FROM (SELECT * FROM '${fresh}' EXCEPT ALL SELECT * FROM '${committed}'))::INTEGER,
        (SELECT count(*) FROM (SELECT * FROM '${committed}' EXCEPT ALL SELECT * FROM '${fresh}'))::INTEGER`);
      expect(diff).toEqual([0, 0]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
