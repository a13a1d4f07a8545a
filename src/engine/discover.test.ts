import { describe, expect, it } from 'vitest';
import { DashportError } from '../errors.js';
import { assertUniqueIds, datasetIdFromName, fileKind } from './discover.js';

describe('datasetIdFromName', () => {
  it.each([
    ['Sales Data 2024', 'sales-data-2024'],
    ['spots', 'spots'],
    ['ECG_heartbeat.v2', 'ecg-heartbeat-v2'],
    ['  --Weird__Name!!  ', 'weird-name'],
    ['UPPER', 'upper'],
    ['a..b', 'a-b'],
    ['!!!', ''],
  ])('%j → %j', (name, id) => {
    expect(datasetIdFromName(name)).toBe(id);
  });
});

describe('fileKind', () => {
  it.each([
    ['trends.csv', 'csv', 'trends'],
    ['Trends.CSV', 'csv', 'Trends'],
    ['events.tsv', 'csv', 'events'],
    ['events.tsv.gz', 'csv', 'events'],
    ['big.csv.gz', 'csv', 'big'],
    ['notes.txt', 'csv', 'notes'],
    ['spots.parquet', 'parquet', 'spots'],
    ['people.json', 'json', 'people'],
    ['people.json.gz', 'json', 'people'],
    ['logs.ndjson', 'ndjson', 'logs'],
    ['logs.jsonl', 'ndjson', 'logs'],
    ['logs.jsonl.gz', 'ndjson', 'logs'],
    ['shop.sqlite', 'sqlite', 'shop'],
    ['shop.sqlite3', 'sqlite', 'shop'],
    ['shop.db', 'sqlite', 'shop'],
    ['noted-trends.sql', 'sql', 'noted-trends'],
    ['archive.2024.csv', 'csv', 'archive.2024'],
  ])('%j is %s with stem %j', (name, kind, stem) => {
    expect(fileKind(name)).toEqual({ kind, stem });
  });

  it.each(['readme.md', 'image.png', '.csv', 'data.xlsx', 'csv'])(
    '%j is not a dataset file',
    (name) => {
      expect(fileKind(name)).toBeUndefined();
    },
  );
});

describe('assertUniqueIds', () => {
  it('accepts distinct ids', () => {
    expect(() =>
      assertUniqueIds([
        { id: 'a', location: 'a.csv' },
        { id: 'b', location: 'b.csv' },
      ]),
    ).not.toThrow();
  });

  it('names both sources of a duplicate id', () => {
    let caught: unknown;
    try {
      assertUniqueIds([
        { id: 'sales', location: 'Sales.csv' },
        { id: 'other', location: 'other.json' },
        { id: 'sales', location: 'sales.parquet' },
      ]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DashportError);
    const error = caught as DashportError;
    expect(error.code).toBe('DASHPORT_ERR_DUPLICATE_DATASET');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'two sources have the dataset id "sales": Sales.csv and sales.parquet; rename one of them',
    );
  });
});
