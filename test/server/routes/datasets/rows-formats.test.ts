/**
 * The export formats of /rows: streamed CSV and NDJSON, Parquet read back with DuckDB, Arrow IPC
 * read back with apache-arrow, each compared with the fixture rows.
 */
import { writeFile } from 'node:fs/promises';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuckDb, createDuckDb } from '../../../../src/engine/duckdb.js';
import {
  MEASUREMENTS,
  MEASUREMENT_COLUMNS,
  type Measurement,
} from '../../../helpers/fixture-data.js';
import { type FixtureApp, createFixtureApp, query } from '../../../helpers/fixture-app.js';
import { parseCsv, project, sortRows } from '../../../helpers/oracle.js';

let fixture: FixtureApp;
let db: DuckDb;

beforeAll(async () => {
  fixture = await createFixtureApp('formats');
  db = await createDuckDb({ threads: 1, connections: 1, queryTimeoutMs: 30_000 });
});

afterAll(async () => {
  db?.close();
  await fixture?.close();
});

async function get(pairs: readonly (readonly [string, string])[]) {
  const response = await fixture.app.inject(`/api/v1/datasets/measurements/rows?${query(pairs)}`);
  expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
  return response;
}

/** A cell as CSV text: empty for null. */
const text = (value: unknown): string => (value === null ? '' : String(value));

describe('format=csv', () => {
  it('streams every row with a header, RFC 4180 quoting and CRLF line ends', async () => {
    const response = await get([
      ['format', 'csv'],
      ['order', 'id'],
      ['limit', '10000'],
    ]);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('inline; filename="measurements.csv"');
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.body.endsWith('\r\n')).toBe(true);
    const [header, ...lines] = parseCsv(response.body);
    expect(header).toEqual([...MEASUREMENT_COLUMNS]);
    expect(lines).toEqual(project(MEASUREMENTS, MEASUREMENT_COLUMNS).map((row) => row.map(text)));
  });

  it('quotes the values that need it', async () => {
    const response = await get([
      ['format', 'csv'],
      ['select', 'id,name'],
      ['id', 'eq.40'],
    ]);
    expect(response.body).toBe('id,name\r\n40,"O\'Brien, ""Jr"""\r\n');
  });

  it('applies select, filters, order and limit', async () => {
    const response = await get([
      ['format', 'csv'],
      ['select', 'id,score,flag'],
      ['label', 'eq.b'],
      ['order', 'score.desc,id'],
      ['limit', '5'],
    ]);
    const expected = sortRows(
      MEASUREMENTS.filter((row) => row.label === 'b'),
      [
        ['score', 'desc'],
        ['id', 'asc'],
      ],
    ).slice(0, 5);
    expect(parseCsv(response.body)).toEqual([
      ['id', 'score', 'flag'],
      ...project(expected, ['id', 'score', 'flag']).map((row) => row.map(text)),
    ]);
  });
});

describe('format=ndjson', () => {
  it('streams one JSON object per row, keys in column order', async () => {
    const response = await get([
      ['format', 'ndjson'],
      ['order', 'id'],
      ['limit', '10000'],
    ]);
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(response.headers['content-length']).toBeUndefined();
    const lines = response.body.split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(MEASUREMENTS.length);
    expect(Object.keys(records[0] ?? {})).toEqual([...MEASUREMENT_COLUMNS]);
    expect(records).toEqual(MEASUREMENTS.map((row) => ({ ...row })));
  });

  it('answers an empty body for no rows', async () => {
    const response = await get([
      ['format', 'ndjson'],
      ['id', 'eq.-1'],
    ]);
    expect(response.body).toBe('');
  });
});

describe('format=parquet', () => {
  it('exports a Parquet file that DuckDB reads back as the same rows and types', async () => {
    const response = await get([
      ['format', 'parquet'],
      ['select', 'id,score,name,day,ts,flag,maybe'],
      ['order', 'id'],
      ['limit', '50'],
    ]);
    expect(response.headers['content-type']).toBe('application/vnd.apache.parquet');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="measurements.parquet"',
    );
    const bytes = response.rawPayload;
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PAR1');
    const file = fixture.tmp.join('export.parquet');
    await writeFile(file, bytes);
    const described = await db.query(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    expect(described.rows.map((row) => [row[0], row[1]])).toEqual([
      ['id', 'BIGINT'],
      ['score', 'DOUBLE'],
      ['name', 'VARCHAR'],
      ['day', 'DATE'],
      ['ts', 'TIMESTAMP'],
      ['flag', 'BOOLEAN'],
      ['maybe', 'BIGINT'],
    ]);
    const result = await db.query(`SELECT * FROM read_parquet('${file}')`);
    expect(result.rows).toEqual(
      project(MEASUREMENTS.slice(0, 50), ['id', 'score', 'name', 'day', 'ts', 'flag', 'maybe']),
    );
  });
});

describe('format=arrow', () => {
  it('exports an Arrow IPC stream that apache-arrow reads back', async () => {
    const response = await get([
      ['format', 'arrow'],
      ['order', 'id'],
      ['limit', '30'],
      ['label', 'neq.c'],
    ]);
    expect(response.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="measurements.arrows"',
    );
    const table = tableFromIPC(response.rawPayload);
    const expected: Measurement[] = MEASUREMENTS.filter((row) => row.label !== 'c').slice(0, 30);
    expect(table.numRows).toBe(expected.length);
    expect(table.schema.fields.map((field) => [field.name, String(field.type)])).toEqual([
      ['id', 'Int64'],
      ['score', 'Float64'],
      ['name', 'Utf8'],
      ['day', 'Date64<MILLISECOND>'],
      ['ts', 'Timestamp<MILLISECOND>'],
      ['flag', 'Bool'],
      ['maybe', 'Int64'],
      ['note', 'Utf8'],
      ['x', 'Float64'],
      ['x2', 'Float64'],
      ['neg', 'Float64'],
      ['label', 'Utf8'],
      ['limit', 'Int64'],
      ['category', 'Utf8'],
      ['code', 'Utf8'],
    ]);
    const column = (name: string): unknown[] => [...(table.getChild(name) ?? [])];
    expect(column('id')).toEqual(expected.map((row) => BigInt(row.id)));
    expect(column('score')).toEqual(expected.map((row) => row.score));
    expect(column('name')).toEqual(expected.map((row) => row.name));
    expect(column('flag')).toEqual(expected.map((row) => row.flag));
    expect(column('maybe')).toEqual(
      expected.map((row) => (row.maybe === null ? null : BigInt(row.maybe))),
    );
    expect(column('note')).toEqual(expected.map((row) => row.note));
    expect(
      column('day').map((value) => new Date(Number(value)).toISOString().slice(0, 10)),
    ).toEqual(expected.map((row) => row.day));
    expect(column('ts').map((value) => new Date(Number(value)).toISOString())).toEqual(
      expected.map((row) => row.ts),
    );
  });
});

describe('format errors', () => {
  it('refuses an unknown format naming the accepted ones', async () => {
    const response = await fixture.app.inject('/api/v1/datasets/measurements/rows?format=xlsx');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      parameter: 'format',
      message: 'format must be one of json, csv, ndjson, parquet, arrow, got "xlsx"',
    });
  });

  it('refuses a bad filter before a stream starts', async () => {
    const response = await fixture.app.inject(
      '/api/v1/datasets/measurements/rows?format=csv&id=eq.x',
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/json');
  });
});
