/**
 * Every CSV of the csv-spectrum suite (npm `csv-spectrum`: quoting, escaped quotes, embedded
 * newlines and CRLF, empty quoted fields, UTF-8) served as a dataset must read as its JSON.
 */
import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetIdFromName } from '../../src/engine/discover.js';
import type { RowsResponse } from '../../src/shared/api-types.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';
import { type TestApp, createTestApp } from '../helpers/test-app.js';

const SPECTRUM_DIR = path.dirname(
  createRequire(import.meta.url).resolve('csv-spectrum/package.json'),
);
const CSV_NAMES = (await readdir(path.join(SPECTRUM_DIR, 'csvs')))
  .filter((name) => name.endsWith('.csv'))
  .sort();

/**
 * Known mistakes in csv-spectrum's own expected JSON, which its other parsers' test suites
 * work around too: location_coordinates.json is one object instead of a list, and its phone
 * number differs from the CSV's.
 */
const UPSTREAM_FIXES: Readonly<
  Record<string, (expected: Record<string, string>[]) => Record<string, string>[]>
> = {
  'location_coordinates.csv': (expected) =>
    expected.map((row) => ({ ...row, 'Contact Phone Number': '2095257564' })),
};

let tmp: TempDir;
let test: TestApp;

beforeAll(async () => {
  tmp = await createTempDir('spectrum');
  await mkdir(tmp.join('data'));
  for (const name of CSV_NAMES)
    await copyFile(path.join(SPECTRUM_DIR, 'csvs', name), tmp.join('data', name));
  test = await createTestApp({ dataDir: tmp.join('data'), cacheDir: tmp.join('cache') });
});

afterAll(async () => {
  await test?.close();
  await tmp?.remove();
});

async function expectedRows(name: string): Promise<Record<string, string>[]> {
  const parsed = JSON.parse(
    await readFile(path.join(SPECTRUM_DIR, 'json', name.replace(/\.csv$/, '.json')), 'utf8'),
  ) as Record<string, string> | Record<string, string>[];
  const rows = Array.isArray(parsed) ? parsed : [parsed];
  return UPSTREAM_FIXES[name]?.(rows) ?? rows;
}

describe('csv-spectrum', () => {
  it('finds every file as a dataset and builds all of them', () => {
    expect(CSV_NAMES.length).toBeGreaterThanOrEqual(12);
    const failed =
      test.report?.outcomes.filter((outcome) => outcome.outcome.status === 'failed') ?? [];
    expect(failed.map((outcome) => outcome.id)).toEqual([]);
    expect(test.report?.outcomes).toHaveLength(CSV_NAMES.length);
  });

  it.each(CSV_NAMES)('%s reads as its JSON', async (name) => {
    const id = datasetIdFromName(name.replace(/\.csv$/, ''));
    const response = await test.app.inject(`/api/v1/datasets/${id}/rows?limit=10000`);
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json() as RowsResponse;
    // The JSON has text only; typed cells compare by their text, NULL as the empty field.
    const actual = result.rows.map((row) =>
      Object.fromEntries(
        result.columns.map((column, i) => [column, row[i] === null ? null : String(row[i])]),
      ),
    );
    expect(actual).toEqual(await expectedRows(name));
  });
});
