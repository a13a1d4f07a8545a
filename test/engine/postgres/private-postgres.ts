/**
 * Test support: the shared PostgreSQL (TEST_DATABASE_URL), checked loudly, scratch schemas with
 * unique names, and a private PostgreSQL cluster on a free port for tests that stop the
 * database. The cluster runs as the `postgres` user (PostgreSQL refuses to run as root).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../resilience/private-redis.js';

const run = promisify(execFile);

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Throws a clear message when the test database cannot be reached. */
export async function requirePostgres(url = TEST_DATABASE_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `these tests need PostgreSQL at ${url} (set TEST_DATABASE_URL): ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A unique schema name for one test file; drop it with `dropSchema`. */
export function scratchSchemaName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export async function withClient<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string, url = TEST_DATABASE_URL): Promise<void> {
  await withClient(url, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

export interface PrivatePostgres {
  readonly port: number;
  readonly url: string;
  start(): Promise<void>;
  /** Immediate shutdown, as a crash or an outage would look to clients. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

async function asPostgres(command: string, args: readonly string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await run('runuser', ['-u', 'postgres', '--', command, ...args]);
  else await run(command, [...args]);
}

/** initdb a throw-away cluster (trust auth, no fsync) on a free port and start it. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dashport-pg-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(group.trim()));
  }
  await asPostgres(path.join(PG_BIN, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  const pgCtl = path.join(PG_BIN, 'pg_ctl');
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const instance: PrivatePostgres = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await asPostgres(pgCtl, [
        '-D',
        data,
        '-o',
        options,
        '-l',
        path.join(dir, 'log'),
        '-w',
        'start',
      ]);
    },
    async stop() {
      await asPostgres(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    async destroy() {
      await instance.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  await instance.start();
  return instance;
}
