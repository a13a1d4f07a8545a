/**
 * A private PostgreSQL cluster is stopped under a running server: the pg datasets answer 503
 * naming the reason, file datasets keep serving, the health check says so, and everything
 * comes back when the database does. A server started while the database is down still
 * lists the pg datasets it knew.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LiveServer,
  makeDataDir,
  startLiveServer,
  removeDataDirs,
} from '../../live/live-server.js';
import { type PrivatePostgres, startPrivatePostgres, withClient } from './private-postgres.js';

async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('PostgreSQL outage', () => {
  let cluster: PrivatePostgres;
  let server: LiveServer;
  let dirs: { dataDir: string; cacheDir: string };

  beforeAll(async () => {
    cluster = await startPrivatePostgres();
    await withClient(cluster.url, async (client) => {
      await client.query('CREATE TABLE readings (id serial PRIMARY KEY, value double precision)');
      await client.query(
        'INSERT INTO readings (value) SELECT g / 10.0 FROM generate_series(1, 100) g',
      );
    });
    dirs = await makeDataDir({ 'local.csv': 'a,b\n1,x\n2,y\n' });
    server = await startLiveServer(dirs, { DATABASE_URL: cluster.url });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await cluster?.destroy();
  });

  const get = (path: string) => fetch(`${server.url}${path}`);

  it('serves pg and file datasets side by side', async () => {
    const list = (await (await get('/api/v1/datasets')).json()) as {
      datasets: { id: string; source: { kind: string } }[];
    };
    expect(list.datasets.map((d) => [d.id, d.source.kind])).toEqual([
      ['local', 'csv'],
      ['pg.readings', 'postgres'],
    ]);
    const rows = (await (
      await get('/api/v1/datasets/pg.readings/rows?order=id.desc&limit=2')
    ).json()) as { rows: unknown[][] };
    expect(rows.rows).toEqual([
      [100, 10],
      [99, 9.9],
    ]);
    expect((await server.state.health()).database).toMatchObject({ status: 'healthy' });
  });

  it('answers 503 with the reason for pg datasets only while the database is down', async () => {
    await cluster.stop();
    const response = await get('/api/v1/datasets/pg.readings/aggregate?agg=sum&y=value');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBeTruthy();
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('DASHPORT_ERR_SOURCE_UNAVAILABLE');
    expect(body.message).toMatch(
      /dataset "pg\.readings" is unavailable: PostgreSQL cannot be reached/,
    );
    expect((await get('/api/v1/datasets/local/rows')).status).toBe(200);
    expect((await get('/api/v1/datasets/pg.readings/rows')).status).toBe(503);
    const list = (await (await get('/api/v1/datasets')).json()) as {
      datasets: { id: string; state: string }[];
    };
    expect(list.datasets.find((d) => d.id === 'pg.readings')?.state).toBe('unavailable');
    expect((await server.state.health()).database).toMatchObject({
      status: 'unhealthy',
      response_time_ms: null,
    });
  });

  it('lists the known pg datasets when started while the database is down', async () => {
    const second = await startLiveServer(dirs, { DATABASE_URL: cluster.url });
    try {
      const response = await fetch(`${second.url}/api/v1/datasets/pg.readings/rows`);
      expect(response.status).toBe(503);
      expect((await fetch(`${second.url}/api/v1/datasets/local/rows`)).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('serves pg datasets again once the database is back', async () => {
    await cluster.start();
    await waitFor(
      async () => (await get('/api/v1/datasets/pg.readings/rows?limit=1')).status === 200,
      15_000,
      'recovery',
    );
    const sum = (await (
      await get('/api/v1/datasets/pg.readings/aggregate?agg=sum&y=value')
    ).json()) as {
      series: { y: number[] }[];
    };
    expect(sum.series[0]?.y[0]).toBeCloseTo(505, 9);
  });
});

afterAll(async () => {
  await removeDataDirs();
});
