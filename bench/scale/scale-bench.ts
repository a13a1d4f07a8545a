/**
 * `npm run bench scale [--rows N]` (issue 12): the radio-spots example dashboard over a
 * spots-like table of N rows (default 100 million), generated streamed by DuckDB. Measures in
 * one run: the cache build (time, peak RSS), the server's peak RSS throughout, the uncached p50
 * of every panel query, the whole `/data` response uncached and cached, and the same
 * statements run by this process directly in DuckDB over the same cache file — the physical
 * limit on this machine — as ratios.
 *
 * Uncached runs differ only in a date-range lower bound before the data (2024-10-01 … 10-31):
 * each is a new cache key, selects every row, and stays on whole days so a rollup still
 * covers it.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { toCell, toScalar } from '../../src/engine/cell.js';
import { jsValueConverter, parameterType } from '../../src/engine/duckdb-values.js';
import type { ServedDataset } from '../../src/engine/sources/dataset-source.js';
import {
  type SqlRunner,
  answerAggregate,
  answerRows,
} from '../../src/engine/sources/sql-answers.js';
import { parseAggregateQuery } from '../../src/engine/sql/parse-aggregate-query.js';
import { parseRowsQuery } from '../../src/engine/sql/parse-rows-query.js';
import type { ColumnInfo, DatasetDetail } from '../../src/shared/api-types.js';
import type { DashboardDataResponse } from '../../src/shared/dashboard-types.js';
import { generateScaleSpots } from '../generate/scale-spots.js';
import {
  type RequestLog,
  TIMEOUT_CODE,
  createRequestLog,
  errorCodeOf,
} from '../lib/request-log.js';
import { sqlString } from '../../src/engine/source-sql.js';
import {
  REPO_ROOT,
  childPids,
  mb,
  median,
  rssBytes,
  spawnCli,
  waitForExit,
  waitForOk,
} from '../lib/process.js';

export interface ScaleBenchResult {
  readonly markdown: string;
  readonly numbers: Record<string, number>;
}

const DATA = path.join(REPO_ROOT, 'bench', '.data');
export const SCALE_DEFAULT_ROWS = 100_000_000;
const DASHBOARD = 'radio-spots';
/** SPEC §3's default of DASHPORT_TIMEOUT, in seconds. */
const DEFAULT_TIMEOUT_S = 120;

/** `--rows N` from the bench's arguments, else the default. */
export function scaleRowsFrom(args: readonly string[]): number {
  const index = args.indexOf('--rows');
  if (index < 0) return SCALE_DEFAULT_ROWS;
  const value = Number((args[index + 1] ?? '').replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`--rows: expected a positive integer, got "${args[index + 1] ?? ''}"`);
  return value;
}

/** A port nothing listens on now (a fixed one may be another bench's on a shared machine). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function label(rows: number): string {
  return rows % 1_000_000 === 0 ? `${rows / 1_000_000}m` : String(rows);
}

async function ensureData(rows: number): Promise<{ dataDir: string; parquet: string }> {
  const parquet = path.join(DATA, `scale-${label(rows)}.parquet`);
  const dataDir = path.join(DATA, `scale-${label(rows)}-dir`);
  if (!existsSync(parquet)) {
    process.stderr.write(`generating ${path.basename(parquet)} (${rows} rows) …\n`);
    const result = await generateScaleSpots(parquet, rows, { memoryLimit: '1GB' });
    process.stderr.write(`  ${(result.elapsedMs / 1000).toFixed(1)} s, ${mb(result.bytes)}\n`);
  }
  await mkdir(path.join(dataDir, 'dashboards'), { recursive: true });
  const link = path.join(dataDir, 'spots.parquet');
  if (!existsSync(link)) await symlink(parquet, link);
  await copyFile(
    path.join(REPO_ROOT, 'examples', 'data', 'dashboards', `${DASHBOARD}.yaml`),
    path.join(dataDir, 'dashboards', `${DASHBOARD}.yaml`),
  );
  await writeFile(
    path.join(dataDir, 'dashport.yaml'),
    'datasets:\n  spots:\n    title: Radio spots (scale bench)\n    time_column: ts\n',
  );
  return { dataDir, parquet };
}

/** The date-range value of uncached run `i`: a different lower bound before the data. */
function uncachedBound(i: number): string {
  return `gte.2024-10-${String(1 + (i % 31)).padStart(2, '0')}`;
}

/**
 * GET `url`, recorded in `log`. An answer at DASHPORT_TIMEOUT counts as a measurement (its
 * time is what a user waited); any other error ends the bench.
 */
async function timedFetch(
  log: RequestLog,
  url: string,
): Promise<{ ms: number; body: unknown; timedOut: boolean }> {
  const started = performance.now();
  const response = await fetch(url);
  const text = await response.text();
  const ms = performance.now() - started;
  const code = response.ok ? undefined : errorCodeOf(text);
  log.record({ url, ms, status: response.status, ...(code === undefined ? {} : { code }) });
  if (code === TIMEOUT_CODE) return { ms, body: undefined, timedOut: true };
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return { ms, body: JSON.parse(text) as unknown, timedOut: false };
}

/** Needs the answer's body: a timed-out answer has none. */
async function fetchBody(log: RequestLog, url: string): Promise<unknown> {
  const { body, timedOut } = await timedFetch(log, url);
  if (timedOut) throw new Error(`${url} answered ${TIMEOUT_CODE}; raise DASHPORT_TIMEOUT`);
  return body;
}

interface PanelPlan {
  readonly id: string;
  readonly endpoint: 'aggregate' | 'rows';
  /** The panel's query string with the dashboard's default filters. */
  readonly query: string;
}

/** Each panel's query with run `i`'s date bound in place of the dashboard's ts filter. */
function withBound(query: string, i: number): URLSearchParams {
  const params = new URLSearchParams(query);
  params.delete('filter.ts');
  params.append('filter.ts', uncachedBound(i));
  return params;
}

interface Measured {
  readonly p50: number;
  readonly runs: number[];
}

function summary(runs: number[]): Measured {
  return { p50: median(runs), runs };
}

/** A DuckDB in this process over the cache's Parquet, with the server's statements. */
async function rawRunner(
  parquet: string,
  threads: number,
): Promise<{ runner: SqlRunner; elapsed: () => number; reset(): void; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  await connection.run(`CREATE VIEW spots AS SELECT * FROM read_parquet(${sqlString(parquet)})`);
  let ms = 0;
  const runner: SqlRunner = {
    dialect: 'duckdb',
    async query(statement) {
      const started = performance.now();
      const reader = await connection.runAndReadAll(
        statement.sql,
        [...statement.params],
        statement.params.map(parameterType),
      );
      const types = reader.columnTypes().map((type) => type.toString());
      const rows = reader
        .convertRows(jsValueConverter)
        .map((row) => row.map((value, i) => toScalar(toCell(value, types[i]))));
      ms += performance.now() - started;
      return { columns: reader.columnNames(), rows };
    },
  };
  return {
    runner,
    elapsed: () => ms,
    reset: () => {
      ms = 0;
    },
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

export async function runScaleBench(args: readonly string[] = []): Promise<ScaleBenchResult> {
  const rows = scaleRowsFrom(args);
  const runsPerPanel = rows >= 50_000_000 ? 5 : 9;
  const { dataDir } = await ensureData(rows);
  const cacheDir = path.join(DATA, `cache-scale-${label(rows)}`);
  await rm(cacheDir, { recursive: true, force: true });
  const numbers: Record<string, number> = {};

  // 1. Cache build, as `dashport cache build` (the Kubernetes Job of docs/deployment.md).
  const build = spawnCli(['cache', 'build', dataDir], { DASHPORT_CACHE_DIR: cacheDir });
  if ((await waitForExit(build)) !== 0) throw new Error('scale cache build failed');
  numbers['buildSeconds'] = (performance.now() - build.startedAt) / 1000;
  numbers['buildPeakRssBytes'] = build.peakRssBytes();

  const PORT = await freePort();
  const BASE = `http://127.0.0.1:${PORT}`;
  // 2. The server: one worker (so the limit below compares one DuckDB with one DuckDB).
  // DASHPORT_TIMEOUT is passed on explicitly, so the report states the deadline it checks.
  const timeoutSeconds = Number(process.env.DASHPORT_TIMEOUT ?? DEFAULT_TIMEOUT_S);
  const requests = createRequestLog(timeoutSeconds * 1000);
  const server = spawnCli(['serve', dataDir], {
    DASHPORT_CACHE_DIR: cacheDir,
    PORT: String(PORT),
    DASHPORT_WORKERS: '1',
    DASHPORT_RATE_LIMIT: 'off',
    DASHPORT_TIMEOUT: String(timeoutSeconds),
  });
  const panels: PanelPlan[] = [];
  const panelTimes = new Map<string, Measured>();
  let detail: DatasetDetail;
  let health: unknown;
  try {
    await waitForOk(`${BASE}/readyz`, server.startedAt, 600_000);
    detail = (await fetchBody(requests, `${BASE}/api/v1/datasets/spots`)) as DatasetDetail;
    const first = (await fetchBody(
      requests,
      `${BASE}/api/v1/dashboards/${DASHBOARD}/data`,
    )) as DashboardDataResponse;
    for (const [id, panel] of Object.entries(first.panels)) {
      if (panel.kind === 'aggregate' || panel.kind === 'rows')
        panels.push({ id, endpoint: panel.kind, query: panel.query });
    }
    // 3. Each panel's query, uncached (a new date bound per run; the first run warms up).
    let run = 1;
    for (const panel of panels) {
      const times: number[] = [];
      for (let i = 0; i <= runsPerPanel; i++) {
        const params = withBound(panel.query, run++);
        if (panel.endpoint === 'rows') params.set('limit', '25');
        const { ms } = await timedFetch(
          requests,
          `${BASE}/api/v1/datasets/spots/${panel.endpoint}?${params.toString()}`,
        );
        if (i > 0) times.push(ms);
      }
      panelTimes.set(panel.id, summary(times));
    }
    // 4. The whole dashboard, uncached and cached.
    const uncached: number[] = [];
    for (let i = 0; i < runsPerPanel; i++) {
      const bound = uncachedBound(run++);
      uncached.push(
        (await timedFetch(requests, `${BASE}/api/v1/dashboards/${DASHBOARD}/data?ts=${bound}`)).ms,
      );
    }
    numbers['dashboardUncachedP50Ms'] = median(uncached);
    const cachedUrl = `${BASE}/api/v1/dashboards/${DASHBOARD}/data?ts=${uncachedBound(0)}`;
    await timedFetch(requests, cachedUrl);
    const cached: number[] = [];
    for (let i = 0; i < 30; i++) cached.push((await timedFetch(requests, cachedUrl)).ms);
    numbers['dashboardCachedP50Ms'] = median(cached);
    health = await fetchBody(requests, `${BASE}/health`);
    const pids = [server.child.pid ?? 0, ...childPids(server.child.pid ?? 0)];
    numbers['serverRssAfterBytes'] = pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
    numbers['serverPeakRssBytes'] = server.peakRssBytes();
  } finally {
    await server.stop();
  }

  // 5. The limit: the same statements, run here on DuckDB over the same cache file.
  const manifest = JSON.parse(
    await readFile(path.join(cacheDir, 'datasets', 'spots', 'manifest.json'), 'utf8'),
  ) as { parquetFile: string; parquetBytes: number };
  const cacheParquet = path.isAbsolute(manifest.parquetFile)
    ? manifest.parquetFile
    : path.join(cacheDir, 'datasets', 'spots', manifest.parquetFile);
  numbers['parquetBytes'] = manifest.parquetBytes;
  const threads = Math.max(1, os.availableParallelism());
  const raw = await rawRunner(cacheParquet, threads);
  const columns: readonly ColumnInfo[] = detail.columns;
  const dataset: ServedDataset = {
    id: 'spots',
    version: 'bench',
    updatedAt: undefined,
    columns,
    relation: 'spots',
  };
  const rawTimes = new Map<string, Measured>();
  try {
    let run = 1;
    for (const panel of panels) {
      const times: number[] = [];
      for (let i = 0; i <= runsPerPanel; i++) {
        const params = withBound(panel.query, run++);
        const query = Object.fromEntries(
          [...new Set(params.keys())].map((key) => {
            const values = params.getAll(key);
            return [key, values.length === 1 ? (values[0] as string) : values];
          }),
        );
        raw.reset();
        if (panel.endpoint === 'rows')
          await answerRows(raw.runner, dataset, parseRowsQuery({ ...query, limit: '25' }, columns));
        else await answerAggregate(raw.runner, dataset, parseAggregateQuery(query, columns));
        if (i > 0) times.push(raw.elapsed());
      }
      rawTimes.set(panel.id, summary(times));
    }
  } finally {
    raw.close();
  }

  const sent = requests.summary();
  numbers['timeoutSeconds'] = timeoutSeconds;
  numbers['requestsSent'] = sent.sent;
  numbers['slowestRequestMs'] = sent.slowest?.ms ?? 0;
  numbers['requestsOverTimeout'] = sent.overTimeout;
  numbers['requestsTimedOut'] = sent.timedOut;
  const slowestPath = sent.slowest === undefined ? '' : new URL(sent.slowest.url).pathname;
  const rollups = rollupsOf(health);
  const rowsPerGb = rows / ((numbers['serverPeakRssBytes'] ?? 1) / 2 ** 30);
  numbers['rowsPerGbRss'] = rowsPerGb;
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const panelLines = panels.map((panel) => {
    const server = panelTimes.get(panel.id)?.p50 ?? 0;
    const limit = rawTimes.get(panel.id)?.p50 ?? 0;
    const ratio = limit > 0 ? server / limit : 0;
    numbers[`panel.${panel.id}.ms`] = server;
    numbers[`panel.${panel.id}.rawMs`] = limit;
    return `| ${panel.id} (${panel.endpoint}) | ${server.toFixed(1)} ms | ${limit.toFixed(1)} ms | ${ratio.toFixed(2)}× | ${verdict(ratio <= 2)} |`;
  });
  const serverSum = [...panelTimes.values()].reduce((sum, m) => sum + m.p50, 0);
  const rawSum = [...rawTimes.values()].reduce((sum, m) => sum + m.p50, 0);
  const markdown = `## Scale: ${rows.toLocaleString('en')} rows (issue 12)

Data: spots-like Parquet (\`bench/generate/scale-spots.ts\`, streamed by DuckDB), the radio-spots example dashboard over it. \`dashport serve\` with DASHPORT_WORKERS=1, rate limit off, ${os.availableParallelism()} CPUs; RSS is supervisor + worker. The limit is this process running the same statements directly in DuckDB (${threads} threads) over the same cache file. Uncached runs: ${runsPerPanel} per query after one warm-up, each with a new date-range bound (a new cache key selecting every row). Rollups: ${rollups}.

| measure | result | target | |
| --- | --- | --- | --- |
| cache build (\`dashport cache build\`) | ${numbers['buildSeconds']?.toFixed(1)} s, peak RSS ${mb(numbers['buildPeakRssBytes'] ?? 0)} | report | |
| cache Parquet | ${mb(numbers['parquetBytes'] ?? 0)} | report | |
| server peak RSS throughout | ${mb(numbers['serverPeakRssBytes'] ?? 0)} | ≤ 1 GB | ${verdict((numbers['serverPeakRssBytes'] ?? 0) <= 2 ** 30)} |
| whole dashboard \`/data\`, uncached, p50 | ${numbers['dashboardUncachedP50Ms']?.toFixed(0)} ms | ≤ 1500 ms (≤ 300 ms with rollups) | ${verdict((numbers['dashboardUncachedP50Ms'] ?? 1e9) <= 1500)} |
| whole dashboard \`/data\`, cached, p50 | ${numbers['dashboardCachedP50Ms']?.toFixed(1)} ms | ≤ 20 ms | ${verdict((numbers['dashboardCachedP50Ms'] ?? 1e9) <= 20)} |
| slowest of the ${sent.sent} requests sent | ${(sent.slowest?.ms ?? 0).toFixed(0)} ms (\`${slowestPath}\`, ${sent.slowest?.status ?? '-'}) | ≤ DASHPORT_TIMEOUT (${timeoutSeconds} s) | ${verdict(sent.overTimeout === 0)} |
| requests past DASHPORT_TIMEOUT / answered \`${TIMEOUT_CODE}\` | ${sent.overTimeout} / ${sent.timedOut} | 0 / 0 | ${verdict(sent.overTimeout === 0 && sent.timedOut === 0)} |

| panel query, uncached p50 | server | raw DuckDB | ratio | ≤ 2× |
| --- | ---: | ---: | ---: | --- |
${panelLines.join('\n')}
| sum of the panels | ${serverSum.toFixed(0)} ms | ${rawSum.toFixed(0)} ms | ${(serverSum / Math.max(rawSum, 1e-9)).toFixed(2)}× | |
`;
  return { markdown, numbers };
}

/** The rollups /health lists, as "dimensions (rows)" text. */
function rollupsOf(health: unknown): string {
  const rollups = (
    health as {
      checks?: { cache?: { rollups?: { dimensions: string; measures: string; rows: number }[] } };
    }
  ).checks?.cache?.rollups;
  if (!Array.isArray(rollups) || rollups.length === 0) return 'none';
  return rollups
    .map(
      (r) =>
        `${r.dimensions}${r.measures ? ` [${r.measures}]` : ''} (${r.rows.toLocaleString('en')} rows)`,
    )
    .join('; ');
}
