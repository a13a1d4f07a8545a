/**
 * A data dir with one dataset of every kind Dashport reads, generated deterministically, and the
 * rows behind each file kept in memory so tests compute the expected answers themselves.
 *
 *   measurements.csv   every column type, nulls, a `limit` column, ±1-correlated columns, classes
 *   events.tsv         tab-separated
 *   sales.parquet      written by DuckDB
 *   people.json        a JSON array
 *   logs.ndjson        newline-delimited JSON
 *   monthly/           three CSV files of one schema: one dataset
 *   shop.sqlite        two tables (shop.customers, shop.orders), written with sql.js
 *   dashport.yaml      title, description, time and label columns, a type override
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import initSqlJs from 'sql.js';
import { createDuckDb } from '../../src/engine/duckdb.js';

export type FixtureValue = string | number | boolean | null;
export type FixtureRow = Readonly<Record<string, FixtureValue>>;

/** The measurements dataset: one row per record, values as the API returns them. */
export interface Measurement extends FixtureRow {
  readonly id: number;
  readonly score: number;
  readonly name: string;
  readonly day: string;
  readonly ts: string;
  readonly flag: boolean;
  readonly maybe: number | null;
  readonly note: string | null;
  readonly x: number;
  readonly x2: number;
  readonly neg: number;
  readonly label: string;
  readonly limit: number;
  readonly category: string;
  readonly code: string;
}

export const MEASUREMENT_COLUMNS = [
  'id',
  'score',
  'name',
  'day',
  'ts',
  'flag',
  'maybe',
  'note',
  'x',
  'x2',
  'neg',
  'label',
  'limit',
  'category',
  'code',
] as const;

export const MEASUREMENT_TYPES: Readonly<Record<(typeof MEASUREMENT_COLUMNS)[number], string>> = {
  id: 'integer',
  score: 'float',
  name: 'string',
  day: 'date',
  ts: 'timestamp',
  flag: 'boolean',
  maybe: 'integer',
  note: 'string',
  x: 'float',
  x2: 'float',
  neg: 'float',
  label: 'string',
  limit: 'integer',
  category: 'string',
  code: 'string',
};

/** Names that exercise quoting in CSV, SQL and URLs. */
export const TRICKY_NAMES = ['O\'Brien, "Jr"', 'Zoë 😀 café', 'semi;colon', '50% off_*'] as const;

export const MEASUREMENT_ROWS = 240;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const DAY_ZERO = Date.UTC(2024, 0, 1);
const TS_ZERO = Date.UTC(2024, 2, 1);

function measurement(i: number): Measurement {
  const x = i * 0.5;
  return {
    id: i,
    score: (((i * 7919) % 1000) * 37 + 25) / 100,
    name: i % 40 < TRICKY_NAMES.length ? (TRICKY_NAMES[i % 40] as string) : `name-${i % 17}`,
    day: new Date(DAY_ZERO + (i - 1) * DAY_MS).toISOString().slice(0, 10),
    ts: new Date(TS_ZERO + (i - 1) * 97 * MINUTE_MS).toISOString(),
    flag: i % 3 === 0,
    maybe: i % 5 === 0 ? null : (i * 13) % 29,
    note: i % 4 === 0 ? null : `note ${i % 9}`,
    x,
    x2: 2 * x + 1,
    neg: 7 - 3 * x,
    label: i % 6 <= 2 ? 'a' : i % 6 <= 4 ? 'b' : 'c',
    limit: i % 4,
    category: `cat-${(i * i) % 7}`,
    code: String(10_000 + ((i * 37) % 1000)),
  };
}

/** The rows of measurements.csv, in file order. */
export const MEASUREMENTS: readonly Measurement[] = Array.from(
  { length: MEASUREMENT_ROWS },
  (_, index) => measurement(index + 1),
);

/** A CSV field as a spreadsheet writes it: quoted when it must be, empty for null. */
export function csvField(value: FixtureValue): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvText(
  columns: readonly string[],
  rows: readonly FixtureRow[],
  delimiter = ',',
): string {
  const lines = [columns.join(delimiter)];
  for (const row of rows)
    lines.push(columns.map((column) => csvField(row[column] ?? null)).join(delimiter));
  return `${lines.join('\n')}\n`;
}

function measurementsCsv(): string {
  return csvText(
    MEASUREMENT_COLUMNS,
    MEASUREMENTS.map((row) => ({
      ...row,
      // Timestamps as most exports write them: no zone, space separator.
      ts: row.ts.replace('T', ' ').replace(/\.000Z$/, ''),
      score: row.score.toFixed(2),
      x: row.x.toFixed(1),
      x2: row.x2.toFixed(1),
      neg: row.neg.toFixed(1),
    })),
  );
}

export const EVENTS: readonly FixtureRow[] = Array.from({ length: 20 }, (_, i) => ({
  kind: ['open', 'close', 'click'][i % 3] as string,
  value: i * 3 - 10,
  at: new Date(DAY_ZERO + i * DAY_MS).toISOString().slice(0, 10),
}));

export const SALES: readonly FixtureRow[] = Array.from({ length: 50 }, (_, i) => ({
  id: i,
  amount: i * 1.5,
  region: `r${i % 3}`,
}));

export const PEOPLE: readonly FixtureRow[] = [
  { name: 'Ada', age: 36, active: true },
  { name: 'Grace', age: 45, active: false },
  { name: 'Linus', age: 28, active: true },
  { name: 'Margaret', age: 51, active: true },
];

export const LOGS: readonly FixtureRow[] = Array.from({ length: 30 }, (_, i) => ({
  level: i % 5 === 0 ? 'error' : 'info',
  ms: i * 11,
  at: new Date(TS_ZERO + i * 3_600_000).toISOString(),
}));

export const MONTHLY_FILES = ['2024-01.csv', '2024-02.csv', '2024-03.csv'] as const;
export const MONTHLY: readonly FixtureRow[] = MONTHLY_FILES.flatMap((file, f) =>
  Array.from({ length: 4 }, (_, i) => ({
    month: file.slice(0, 7),
    product: `p${i}`,
    units: (f + 1) * 10 + i,
  })),
);

export const CUSTOMERS: readonly FixtureRow[] = [
  { id: 1, name: 'Acme', city: 'Berlin' },
  { id: 2, name: 'Globex', city: null },
  { id: 3, name: 'Initech, Inc.', city: 'Austin' },
];

export const ORDERS: readonly FixtureRow[] = Array.from({ length: 12 }, (_, i) => ({
  id: 100 + i,
  customer_id: (i % 3) + 1,
  total: Math.round((i + 1) * 9.99 * 100) / 100,
}));

export const SETTINGS_YAML = `datasets:
  measurements:
    title: Measurements
    description: Every column type, generated by the test fixture
    time_column: ts
    label_column: label
    types: { code: string }
  logs:
    live: true
`;

/** Every dataset id the fixture creates, sorted. */
export const FIXTURE_DATASET_IDS = [
  'events',
  'logs',
  'measurements',
  'monthly',
  'people',
  'sales',
  'shop.customers',
  'shop.orders',
] as const;

export const FIXTURE_ROWS: Readonly<Record<(typeof FIXTURE_DATASET_IDS)[number], number>> = {
  events: EVENTS.length,
  logs: LOGS.length,
  measurements: MEASUREMENTS.length,
  monthly: MONTHLY.length,
  people: PEOPLE.length,
  sales: SALES.length,
  'shop.customers': CUSTOMERS.length,
  'shop.orders': ORDERS.length,
};

async function writeSqlite(file: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const SQL = await initSqlJs({
    locateFile: (name: string) => require.resolve(`sql.js/dist/${name}`),
  });
  const db = new SQL.Database();
  try {
    db.run('CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT)');
    db.run('CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total REAL)');
    for (const row of CUSTOMERS)
      db.run('INSERT INTO customers VALUES (?, ?, ?)', [
        row['id'] ?? null,
        row['name'] ?? null,
        row['city'] ?? null,
      ] as never);
    for (const row of ORDERS) {
      db.run('INSERT INTO orders VALUES (?, ?, ?)', [
        row['id'] ?? null,
        row['customer_id'] ?? null,
        row['total'] ?? null,
      ] as never);
    }
    await writeFile(file, db.export());
  } finally {
    db.close();
  }
}

async function writeParquet(file: string): Promise<void> {
  const db = await createDuckDb({ threads: 1, connections: 1, queryTimeoutMs: 60_000 });
  try {
    const escaped = file.replaceAll("'", "''");
    await db.run(
      `COPY (SELECT CAST(i AS BIGINT) AS id, i * 1.5 AS amount, 'r' || (i % 3) AS region FROM range(${SALES.length}) t(i)) TO '${escaped}' (FORMAT parquet)`,
    );
  } finally {
    db.close();
  }
}

/** Write every fixture file into `dataDir` (created when missing). */
export async function writeFixtureDataDir(dataDir: string): Promise<void> {
  await mkdir(path.join(dataDir, 'monthly'), { recursive: true });
  await writeFile(path.join(dataDir, 'measurements.csv'), measurementsCsv());
  await writeFile(path.join(dataDir, 'events.tsv'), csvText(['kind', 'value', 'at'], EVENTS, '\t'));
  await writeParquet(path.join(dataDir, 'sales.parquet'));
  await writeFile(path.join(dataDir, 'people.json'), JSON.stringify(PEOPLE, null, 2));
  await writeFile(
    path.join(dataDir, 'logs.ndjson'),
    LOGS.map((row) => JSON.stringify(row)).join('\n') + '\n',
  );
  for (const file of MONTHLY_FILES) {
    const rows = MONTHLY.filter((row) => row['month'] === file.slice(0, 7));
    await writeFile(
      path.join(dataDir, 'monthly', file),
      csvText(['month', 'product', 'units'], rows),
    );
  }
  await writeSqlite(path.join(dataDir, 'shop.sqlite'));
  await writeFile(path.join(dataDir, 'dashport.yaml'), SETTINGS_YAML);
  // Never datasets: hidden files and the dashboards folder.
  await writeFile(path.join(dataDir, '.hidden.csv'), 'a\n1\n');
  await mkdir(path.join(dataDir, 'dashboards'), { recursive: true });
}
