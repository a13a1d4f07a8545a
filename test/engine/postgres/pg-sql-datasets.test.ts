/**
 * SQL datasets over PostgreSQL datasets against the real test database (issue 11): a `.sql`
 * joining two PostgreSQL tables answers rows and aggregates equal to an oracle computed here,
 * and so does one over it; writes are refused, before PostgreSQL (not a SELECT) or by the
 * READ ONLY transaction (a volatile function), and a setting the statement changes does not
 * outlive it; mixing file and PostgreSQL datasets, an unknown column and an unknown id fail
 * that dataset alone with the file and line; a viewer outside the dataset's groups cannot read
 * it. `dashport cache status` tells such a dataset apart: it runs in PostgreSQL, not cached, so
 * it is not "missing" and `--wait` does not wait for it.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/auth/password-verifier.js';
import { formatUsers } from '../../../src/auth/users-file.js';
import { pgReadOnlyRunner } from '../../../src/engine/postgres/pg-read-only-runner.js';
import { type PgSource, createPgSource } from '../../../src/engine/postgres/pg-source.js';
import type { CellValue, DatasetSummary } from '../../../src/shared/api-types.js';
import { runCli } from '../../helpers/cli.js';
import {
  type LiveServer,
  makeDataDir,
  removeDataDirs,
  startLiveServer,
} from '../../live/live-server.js';
import {
  TEST_DATABASE_URL,
  dropSchema,
  requirePostgres,
  scratchSchemaName,
  withClient,
} from './private-postgres.js';

const schema = scratchSchemaName('pgsql_ds_test');
const REGIONS = ['north', 'south', 'east', null];

interface Customer {
  id: number;
  name: string;
  region: string | null;
}
interface Order {
  id: number;
  customer_id: number;
  amount: number;
  day: string;
}

const customers: Customer[] = Array.from({ length: 12 }, (_, i) => ({
  id: i + 1,
  name: `customer ${i + 1}`,
  region: REGIONS[i % REGIONS.length] ?? null,
}));
// Customer 12 has no orders and order customer 99 has no customer: the inner join drops both.
const orders: Order[] = Array.from({ length: 200 }, (_, i) => ({
  id: i + 1,
  customer_id: i === 199 ? 99 : ((i * 7) % 11) + 1,
  amount: ((i * 37) % 101) + 0.25,
  day: new Date(Date.UTC(2024, 0, 1 + (i % 45))).toISOString().slice(0, 10),
}));

/** The join the `.sql` file writes, computed here. */
const joined = orders.flatMap((order) => {
  const customer = customers.find((c) => c.id === order.customer_id);
  return customer === undefined
    ? []
    : [
        {
          id: order.id,
          amount: order.amount,
          day: order.day,
          name: customer.name,
          region: customer.region,
        },
      ];
});

const JOINED_SQL = `-- orders with their customer's region
SELECT o.id, o.amount, o.day, c.name, c.region
FROM "pg.orders" o
JOIN pg.customers c ON c.id = o.customer_id;
`;

let server: LiveServer;
let dataDir: string;
let cacheDir: string;
const ADA = `Basic ${Buffer.from('ada:ada-password').toString('base64')}`;
const BOB = `Basic ${Buffer.from('bob:bob-password').toString('base64')}`;

async function getJson<T>(url: string, who = ADA): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}${url}`, { headers: { authorization: who } });
  return { status: response.status, body: (await response.json()) as T };
}

async function datasets(): Promise<Map<string, DatasetSummary>> {
  const { body } = await getJson<{ datasets: DatasetSummary[] }>('/api/v1/datasets');
  return new Map(body.datasets.map((d) => [d.id, d]));
}

beforeAll(async () => {
  await requirePostgres();
  await withClient(TEST_DATABASE_URL, async (client) => {
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(
      `CREATE TABLE "${schema}".customers (id integer PRIMARY KEY, name text NOT NULL, region text)`,
    );
    await client.query(
      `CREATE TABLE "${schema}".orders (id integer PRIMARY KEY, customer_id integer NOT NULL, amount double precision NOT NULL, day date NOT NULL)`,
    );
    await client.query(`CREATE SEQUENCE "${schema}".counter`);
    for (const c of customers) {
      await client.query(`INSERT INTO "${schema}".customers VALUES ($1, $2, $3)`, [
        c.id,
        c.name,
        c.region,
      ]);
    }
    for (const o of orders) {
      await client.query(`INSERT INTO "${schema}".orders VALUES ($1, $2, $3, $4)`, [
        o.id,
        o.customer_id,
        o.amount,
        o.day,
      ]);
    }
  });
  const dirs = await makeDataDir({
    'local.csv': 'id,note\n1,x\n2,y\n',
    'joined.sql': JOINED_SQL,
    // A SQL dataset over the one above: nested as a derived table.
    'big-orders.sql':
      'SELECT region, sum(amount) AS total\nFROM joined\nWHERE amount > 50\nGROUP BY region\n',
    'mixed.sql': 'SELECT *\nFROM local\nJOIN "pg.orders" USING (id)\n',
    'bad-column.sql': 'SELECT id,\n  no_such_column\nFROM pg.orders\n',
    'ghost.sql': 'SELECT *\n\nFROM pg.ghosts\n',
    'counts.sql': `SELECT nextval('"${schema}".counter') AS n, id FROM pg.customers\n`,
    'write-delete.sql': 'DELETE FROM pg.orders\n',
    'write-insert.sql':
      "INSERT INTO pg.orders VALUES (1000, 1, 1, DATE '2024-01-01') RETURNING *\n",
    'write-cte.sql': 'WITH d AS (DELETE FROM pg.orders RETURNING *)\nSELECT * FROM d\n',
    'write-copy.sql': "COPY (SELECT * FROM pg.orders) TO '/tmp/out.csv'\n",
    'server-file.sql': "SELECT id,\n  pg_read_file('/etc/hostname') AS host\nFROM pg.customers\n",
    'large-object.sql': "SELECT lo_import('/etc/hostname') AS oid FROM pg.customers\n",
    'for-update.sql': 'SELECT * FROM pg.orders\nFOR UPDATE\n',
    'dashport.yaml': 'datasets:\n  joined:\n    access: { groups: [sales] }\n',
  });
  dataDir = dirs.dataDir;
  cacheDir = dirs.cacheDir;
  const users = path.join(path.dirname(dirs.dataDir), 'users.txt');
  await writeFile(
    users,
    formatUsers([
      { name: 'ada', hash: await hashPassword('ada-password'), groups: ['sales'] },
      { name: 'bob', hash: await hashPassword('bob-password'), groups: ['ops'] },
    ]),
  );
  server = await startLiveServer(dirs, {
    DATABASE_URL: TEST_DATABASE_URL,
    DASHPORT_PG_SCHEMAS: schema,
    DASHPORT_AUTH: 'basic',
    DASHPORT_SESSION_SECRET: 's'.repeat(40),
    DASHPORT_USERS_FILE: users,
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await dropSchema(schema);
  await removeDataDirs();
});

describe('a SQL dataset joining two PostgreSQL tables', () => {
  it('is listed as a SQL dataset with the columns and types PostgreSQL gives', async () => {
    const listed = await datasets();
    expect(listed.get('joined')).toMatchObject({
      source: { kind: 'sql', location: 'joined.sql' },
      state: 'ready',
      columns: 5,
    });
    const { body } = await getJson<{ columns: { name: string; type: string }[] }>(
      '/api/v1/datasets/joined',
    );
    expect(body.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'integer'],
      ['amount', 'float'],
      ['day', 'date'],
      ['name', 'string'],
      ['region', 'string'],
    ]);
  });

  it('answers rows equal to the oracle, with a filter as a bound value', async () => {
    const all = await getJson<{ rows: CellValue[][] }>(
      '/api/v1/datasets/joined/rows?order=id&limit=1000',
    );
    expect(all.status).toBe(200);
    expect(all.body.rows).toEqual(
      joined.map((row) => [row.id, row.amount, row.day, row.name, row.region]),
    );
    const filtered = await getJson<{ rows: CellValue[][] }>(
      `/api/v1/datasets/joined/rows?select=id,name&order=amount.desc,id&limit=10&region=${encodeURIComponent("eq.north' OR '1'='1")}`,
    );
    expect(filtered.body.rows).toEqual([]);
    const north = await getJson<{ rows: CellValue[][] }>(
      '/api/v1/datasets/joined/rows?select=id,name&order=amount.desc,id&limit=10&region=eq.north',
    );
    expect(north.body.rows).toEqual(
      joined
        .filter((row) => row.region === 'north')
        .sort((a, b) => b.amount - a.amount || a.id - b.id)
        .slice(0, 10)
        .map((row) => [row.id, row.name]),
    );
  });

  it('answers aggregates equal to the oracle', async () => {
    const { status, body } = await getJson<{
      x: CellValue[];
      series: { name: string; y: (number | null)[] }[];
    }>('/api/v1/datasets/joined/aggregate?x=region&agg=sum&y=amount');
    expect(status).toBe(200);
    const got = new Map(body.x.map((x, i) => [x, body.series[0]?.y[i]]));
    const sums = new Map<CellValue, number>();
    for (const row of joined) sums.set(row.region, (sums.get(row.region) ?? 0) + row.amount);
    expect(got.size).toBe(sums.size);
    for (const [region, sum] of sums) expect(got.get(region)).toBeCloseTo(sum, 9);
  });

  it('serves a SQL dataset over it, in PostgreSQL too', async () => {
    const { status, body } = await getJson<{ rows: CellValue[][] }>(
      '/api/v1/datasets/big-orders/rows?order=region&limit=100',
    );
    expect(status).toBe(200);
    const totals = new Map<string | null, number>();
    for (const row of joined.filter((r) => r.amount > 50))
      totals.set(row.region, (totals.get(row.region) ?? 0) + row.amount);
    const expected = [...totals].sort((a, b) =>
      a[0] === null ? 1 : b[0] === null ? -1 : a[0] < b[0] ? -1 : 1,
    );
    expect(body.rows.map((r) => r[0])).toEqual(expected.map((e) => e[0]));
    body.rows.forEach((row, i) => expect(row[1]).toBeCloseTo(expected[i]?.[1] ?? NaN, 9));
  });

  it('has analyses from a sample and exports', async () => {
    const analysis = await getJson<{ rows?: number }>('/api/v1/datasets/joined/analysis/summary');
    expect(analysis.status).toBe(200);
    const csv = await fetch(
      `${server.url}/api/v1/datasets/joined/rows?format=csv&order=id&limit=3`,
      {
        headers: { authorization: ADA },
      },
    );
    expect(csv.status).toBe(200);
    expect((await csv.text()).split(/\r?\n/)[0]).toBe('id,amount,day,name,region');
  });

  it('is not readable by a viewer outside its groups, nor anonymously', async () => {
    expect((await getJson('/api/v1/datasets/joined/rows', BOB)).status).toBe(403);
    expect((await getJson('/api/v1/datasets/joined/aggregate?agg=count', BOB)).status).toBe(403);
    const anonymous = await fetch(`${server.url}/api/v1/datasets/joined/rows`);
    expect(anonymous.status).toBe(401);
    const { body } = await getJson<{ datasets: { id: string }[] }>('/api/v1/datasets', BOB);
    expect(body.datasets.map((d) => d.id)).not.toContain('joined');
  });
});

describe('refusals', () => {
  it('fails a statement mixing file and PostgreSQL datasets, naming the file and line', async () => {
    const mixed = (await datasets()).get('mixed');
    expect(mixed?.state).toBe('broken');
    expect(mixed?.error).toMatch(
      /^mixed\.sql:3: reads the file dataset "local" \(line 2\) and the PostgreSQL dataset "pg\.orders" \(line 3\); one statement runs in one engine/,
    );
  });

  it('reports what PostgreSQL refuses and unknown ids at the file and line', async () => {
    const listed = await datasets();
    expect(listed.get('bad-column')).toMatchObject({ state: 'broken' });
    expect(listed.get('bad-column')?.error).toMatch(
      /^bad-column\.sql:2: PostgreSQL: column "no_such_column" does not exist/,
    );
    expect(listed.get('ghost')?.error).toMatch(/^ghost\.sql:3: unknown dataset "pg\.ghosts"/);
    const response = await getJson<{ code: string }>('/api/v1/datasets/bad-column/rows');
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('DASHPORT_ERR_DATASET_BROKEN');
  });

  it('lists those failures in /health with the file and line', async () => {
    const health = (await (await fetch(`${server.url}/health`)).json()) as {
      checks: { data: { failed: { id: string; file?: string; line?: number; error: string }[] } };
    };
    const failed = new Map(health.checks.data.failed.map((f) => [f.id, f]));
    expect(failed.get('bad-column')).toMatchObject({
      file: expect.stringMatching(/bad-column\.sql$/) as unknown,
      line: 2,
    });
    expect(failed.get('mixed')).toMatchObject({ line: 3 });
    expect(failed.has('joined')).toBe(false);
  });

  it('refuses statements other than one SELECT before they reach PostgreSQL', async () => {
    const listed = await datasets();
    for (const [id, line] of [
      ['write-delete', 1],
      ['write-insert', 1],
      ['write-cte', 1],
      ['write-copy', 1],
    ] as const) {
      expect(listed.get(id)?.state, id).toBe('broken');
      expect(listed.get(id)?.error, id).toMatch(new RegExp(`^${id}\\.sql:${line}: `));
    }
    const rows = await withClient(TEST_DATABASE_URL, (client) =>
      client.query(`SELECT count(*)::int AS n FROM "${schema}".orders`),
    );
    expect(rows.rows[0]?.n).toBe(orders.length);
  });

  it('refuses SELECT … FOR UPDATE and a CTE that writes, naming the reason', async () => {
    const listed = await datasets();
    expect(listed.get('for-update')?.error).toBe(
      'for-update.sql:1: syntax error: SELECT locking clause is not supported!',
    );
    expect(listed.get('write-cte')?.error).toBe(
      'write-cte.sql:1: syntax error: A CTE needs a SELECT',
    );
  });

  it('refuses functions that reach server files (lo_import reads one even in a READ ONLY transaction)', async () => {
    const listed = await datasets();
    expect(listed.get('server-file')?.error).toBe(
      'server-file.sql:2: pg_read_file() is not allowed: it reaches files, other databases or sessions on the database server, and a SQL dataset only reads datasets',
    );
    expect(listed.get('large-object')?.error).toMatch(
      /^large-object\.sql:1: lo_import\(\) is not allowed/,
    );
    expect((await getJson('/api/v1/datasets/large-object/rows')).status).toBe(503);
  });

  it('blocks a write by a volatile function with the READ ONLY transaction', async () => {
    const response = await getJson<{ code: string; message: string }>(
      '/api/v1/datasets/counts/rows',
    );
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('DASHPORT_ERR_DATASET_BROKEN');
    expect(response.body.message).toMatch(/read-only transaction/);
    const sequence = await withClient(TEST_DATABASE_URL, (client) =>
      client.query(`SELECT is_called FROM "${schema}".counter`),
    );
    expect(sequence.rows[0]?.is_called).toBe(false);
  });
});

describe('without DATABASE_URL', () => {
  it('lists a SQL dataset over PostgreSQL datasets as broken, saying why', async () => {
    const dirs = await makeDataDir({ 'joined.sql': JOINED_SQL, 'local.csv': 'a\n1\n' });
    const bare = await startLiveServer(dirs);
    try {
      const { datasets: list } = (await (await fetch(`${bare.url}/api/v1/datasets`)).json()) as {
        datasets: DatasetSummary[];
      };
      const error =
        'joined.sql:3: runs in PostgreSQL (it reads "pg.orders"), which is not configured (set DATABASE_URL)';
      expect(list.find((d) => d.id === 'joined')).toMatchObject({ state: 'broken', error });
      // `cache status` says the same, and its --wait is settled by it.
      const status = await cacheStatus(dirs, {}, ['--wait', '5']);
      expect(status.code).toBe(0);
      expect(status.entries.get('joined')).toMatchObject({ state: 'broken', error });
      expect(status.entries.get('local')?.state).toBe('fresh');
    } finally {
      await bare.close();
    }
  });
});

describe('the read-only runner', () => {
  let source: PgSource;
  beforeAll(async () => {
    source = createPgSource({
      url: TEST_DATABASE_URL,
      schemas: [schema],
      settings: {},
      cacheDir: path.join(path.dirname(server.config.cacheDir), 'runner-cache'),
      logger: pino({ level: 'silent' }),
      poolMax: 1,
      statementTimeoutMs: 2_000,
    });
    await source.start();
  });
  afterAll(() => source?.close());

  it('rolls back a setting the statement changes, so the next query is read-only and timed', async () => {
    const runner = pgReadOnlyRunner(source, 'joined');
    await runner.query({
      sql: "SELECT set_config('default_transaction_read_only', 'off', false), set_config('statement_timeout', '0', false)",
      params: [],
    });
    // One connection in the pool: the same session.
    const after = await source.pool.query('SHOW default_transaction_read_only; ');
    expect(after.rows[0]).toEqual({ default_transaction_read_only: 'on' });
    const timeout = await source.pool.query('SHOW statement_timeout');
    expect(timeout.rows[0]).toEqual({ statement_timeout: '2s' });
  });

  it.each([
    ['a row lock', `SELECT id FROM "${schema}".orders FOR UPDATE`],
    ['a sequence', `SELECT nextval('"${schema}".counter')`],
  ])('refuses a write by %s in the READ ONLY transaction', async (_what, sql) => {
    const runner = pgReadOnlyRunner(source, 'joined');
    await expect(runner.query({ sql, params: [] })).rejects.toMatchObject({
      code: 'DASHPORT_ERR_DATASET_BROKEN',
      message: expect.stringMatching(/read-only transaction/) as unknown,
    });
  });

  it('refuses a second statement in the same text (extended protocol)', async () => {
    const runner = pgReadOnlyRunner(source, 'joined');
    await expect(
      runner.query({ sql: `SELECT 1; DELETE FROM "${schema}".orders`, params: [] }),
    ).rejects.toThrow(/cannot insert multiple commands into a prepared statement/);
  });

  it('stops a statement at the timeout', async () => {
    const runner = pgReadOnlyRunner(source, 'joined');
    await expect(runner.query({ sql: 'SELECT pg_sleep(5)', params: [] })).rejects.toMatchObject({
      code: 'DASHPORT_ERR_QUERY_TIMEOUT',
    });
  });
});

// Last: these change the data the oracle above was computed from.
interface StatusEntry {
  id: string;
  state: string;
  rows: number | null;
  error: string | null;
}

/** `dashport cache status --json` over a data and cache dir, with `env` on top. */
async function cacheStatus(
  dirs: { dataDir: string; cacheDir: string },
  env: Record<string, string>,
  extra: readonly string[] = [],
): Promise<{ code: number | null; entries: Map<string, StatusEntry>; stderr: string }> {
  const result = await runCli(['cache', 'status', '--json', ...extra, dirs.dataDir], {
    cwd: path.dirname(dirs.dataDir),
    env: { DASHPORT_CACHE_DIR: dirs.cacheDir, ...env },
  });
  const entries =
    result.code === 0 ? (JSON.parse(result.stdout) as StatusEntry[]) : ([] as StatusEntry[]);
  return {
    code: result.code,
    entries: new Map(entries.map((entry) => [entry.id, entry])),
    stderr: result.stderr,
  };
}

describe('dashport cache status', () => {
  it('shows a SQL dataset over PostgreSQL as run in the database, not as a missing cache entry', async () => {
    const status = await cacheStatus({ dataDir, cacheDir }, { DATABASE_URL: TEST_DATABASE_URL });
    expect(status.code).toBe(0);
    // The server serves both from PostgreSQL while the cache holds neither.
    expect((await datasets()).get('big-orders')?.state).toBe('ready');
    expect(status.entries.get('joined')).toMatchObject({
      state: 'database',
      rows: null,
      error: null,
    });
    expect(status.entries.get('big-orders')).toMatchObject({ state: 'database', rows: null });
    expect(status.entries.get('local')).toMatchObject({ state: 'fresh', rows: 2 });
    // Refused before either engine is chosen or for mixing them: a cache build failure as before.
    expect(status.entries.get('mixed')?.state).toBe('broken');
    expect(status.entries.get('write-delete')?.state).toBe('broken');
    expect([...status.entries.values()].filter((entry) => entry.state === 'missing')).toEqual([]);
  });

  it('says so in the table', async () => {
    const result = await runCli(['cache', 'status', dataDir], {
      cwd: path.dirname(dataDir),
      env: { DASHPORT_CACHE_DIR: cacheDir, DATABASE_URL: TEST_DATABASE_URL },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^joined\s+database\s+-\s+-\s+joined\.sql: runs in PostgreSQL, not cached$/m,
    );
  });

  it('--wait does not wait for it: the cache is settled', async () => {
    const status = await cacheStatus({ dataDir, cacheDir }, { DATABASE_URL: TEST_DATABASE_URL }, [
      '--wait',
      '5',
    ]);
    expect(status.stderr).not.toMatch(/not ready within/);
    expect(status.code).toBe(0);
    expect(status.entries.get('joined')?.state).toBe('database');
  });
});

describe('changes', () => {
  it('follows a change of the tables it reads: a new version, new answers', async () => {
    const before = await fetch(`${server.url}/api/v1/datasets/joined/rows?limit=1000`, {
      headers: { authorization: ADA },
    });
    const etag = before.headers.get('etag');
    expect(((await before.json()) as { rows: unknown[] }).rows).toHaveLength(joined.length);
    await withClient(TEST_DATABASE_URL, (client) =>
      client.query(`INSERT INTO "${schema}".orders VALUES (5000, 1, 1.5, DATE '2024-03-01')`),
    );
    // Table statistics reach pg_stat_all_tables asynchronously; poll until the version moves.
    let after: { etag: string | null; rows: number } = { etag, rows: 0 };
    for (let i = 0; i < 50 && after.etag === etag; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await server.state.pg?.source.poll();
      const response = await fetch(`${server.url}/api/v1/datasets/joined/rows?limit=1000`, {
        headers: { authorization: ADA },
      });
      after = {
        etag: response.headers.get('etag'),
        rows: ((await response.json()) as { rows: unknown[] }).rows.length,
      };
    }
    expect(after.etag).not.toBe(etag);
    expect(after.rows).toBe(joined.length + 1);
  });

  it('prepares an edited .sql file again at the next poll', async () => {
    await writeFile(path.join(dataDir, 'bad-column.sql'), 'SELECT id,\n  amount\nFROM pg.orders\n');
    let state: string | undefined;
    for (let i = 0; i < 50 && state !== 'ready'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      state = (await datasets()).get('bad-column')?.state;
    }
    expect(state).toBe('ready');
    const { body } = await getJson<{ rows: CellValue[][] }>(
      '/api/v1/datasets/bad-column/rows?order=id&limit=2',
    );
    expect(body.rows).toEqual([
      [1, orders[0]?.amount],
      [2, orders[1]?.amount],
    ]);
  });
});
