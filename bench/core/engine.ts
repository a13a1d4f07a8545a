/**
 * The core engine benchmark (issue 2): cache build of a ~550 MB heartbeat CSV with every
 * analysis, warm restart to first answer, uncached and cached aggregates over 5M spots rows,
 * and the server's RSS after all of it. Generates its own data under bench/.data/.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import autocannon from 'autocannon';
import { generateHeartbeatsCsv } from '../generate/heartbeats.js';
import { generateSpots } from '../generate/spots.js';
import {
  REPO_ROOT,
  childPids,
  mb,
  median,
  percentile,
  rssBytes,
  spawnCli,
  waitForExit,
  waitForOk,
} from '../lib/process.js';

export interface EngineBenchResult {
  readonly markdown: string;
  readonly numbers: Record<string, number>;
}

const DATA = path.join(REPO_ROOT, 'bench', '.data');
const PORT = 18_651;
const BASE = `http://127.0.0.1:${PORT}`;
const HEARTBEAT_ROWS = 110_000;
const SPOTS_ROWS = 5_000_000;

async function ensureData(): Promise<{
  heartbeatDir: string;
  spotsDir: string;
  heartbeatBytes: number;
}> {
  const heartbeatDir = path.join(DATA, 'heartbeat-dir');
  const spotsDir = path.join(DATA, 'spots-dir');
  const heartbeatCsv = path.join(DATA, 'heartbeats-110k.csv');
  const spotsParquet = path.join(DATA, 'spots-5m.parquet');
  await mkdir(heartbeatDir, { recursive: true });
  await mkdir(spotsDir, { recursive: true });
  if (!existsSync(heartbeatCsv)) {
    process.stderr.write('generating heartbeats-110k.csv …\n');
    await generateHeartbeatsCsv(heartbeatCsv, HEARTBEAT_ROWS);
  }
  if (!existsSync(spotsParquet)) {
    process.stderr.write('generating spots-5m.parquet …\n');
    await generateSpots(spotsParquet, SPOTS_ROWS);
  }
  const heartbeatLink = path.join(heartbeatDir, 'heartbeats.csv');
  const spotsLink = path.join(spotsDir, 'spots.parquet');
  if (!existsSync(heartbeatLink)) await symlink(heartbeatCsv, heartbeatLink);
  if (!existsSync(spotsLink)) await symlink(spotsParquet, spotsLink);
  return { heartbeatDir, spotsDir, heartbeatBytes: (await stat(heartbeatCsv)).size };
}

async function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

export async function runEngineBench(): Promise<EngineBenchResult> {
  const { heartbeatDir, spotsDir, heartbeatBytes } = await ensureData();
  const cacheDir = path.join(DATA, 'cache-engine');
  await rm(cacheDir, { recursive: true, force: true });
  const numbers: Record<string, number> = {};

  // 1. Cold cache build of the heartbeat CSV with every analysis.
  const build = spawnCli(['cache', 'build', heartbeatDir], { DASHPORT_CACHE_DIR: cacheDir });
  const buildCode = await waitForExit(build);
  if (buildCode !== 0) throw new Error(`cache build exited ${buildCode}`);
  numbers['buildSeconds'] = (performance.now() - build.startedAt) / 1000;
  numbers['buildPeakRssBytes'] = build.peakRssBytes();

  // 2. Restart with a warm cache: spawn to first answered query.
  const restarts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const server = spawnCli(['serve', heartbeatDir], {
      DASHPORT_CACHE_DIR: cacheDir,
      PORT: String(PORT),
      DASHPORT_WORKERS: '1',
      DASHPORT_RATE_LIMIT: 'off',
    });
    restarts.push(
      await waitForOk(`${BASE}/api/v1/datasets/heartbeats/rows?limit=1`, server.startedAt),
    );
    await server.stop();
  }
  numbers['warmRestartMs'] = median(restarts);

  // 3. 5M-row spots: build, then aggregates.
  const spotsCache = path.join(DATA, 'cache-spots');
  await rm(spotsCache, { recursive: true, force: true });
  const spotsBuild = spawnCli(['cache', 'build', spotsDir], { DASHPORT_CACHE_DIR: spotsCache });
  if ((await waitForExit(spotsBuild)) !== 0) throw new Error('spots cache build failed');
  numbers['spotsBuildSeconds'] = (performance.now() - spotsBuild.startedAt) / 1000;
  const server = spawnCli(['serve', spotsDir], {
    DASHPORT_CACHE_DIR: spotsCache,
    PORT: String(PORT),
    DASHPORT_WORKERS: '1',
    DASHPORT_RATE_LIMIT: 'off',
  });
  await waitForOk(`${BASE}/readyz`, server.startedAt);
  const aggregate = `/api/v1/datasets/spots/aggregate?x=ts&bucket=day&group=band&agg=count&mode=eq.FT8`;
  // A filter that matches every row but makes each URL distinct defeats the result cache.
  const uncachedUrl = (i: number) => `${aggregate}&frequency=gt.-${i + 1}`;
  const single: number[] = [];
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    const response = await fetch(`${BASE}${uncachedUrl(i)}`);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`aggregate answered ${response.status}`);
    single.push(performance.now() - started);
  }
  numbers['uncachedP50Ms'] = median(single.slice(3));
  numbers['uncachedP99Ms'] = percentile(single.slice(3), 99);
  let counter = 1000;
  const uncachedLoad = await cannon({
    url: BASE,
    connections: 64,
    duration: 10,
    requests: [
      { method: 'GET', setupRequest: (request) => ({ ...request, path: uncachedUrl(counter++) }) },
    ],
  });
  numbers['uncachedReqPerSec64'] = uncachedLoad.requests.average;
  numbers['uncachedNon2xx64'] = uncachedLoad.non2xx;

  // Let the uncached backlog drain (the first cached request queues behind it), then warm up.
  await waitForOk(`${BASE}${aggregate}`, performance.now(), 300_000);
  await cannon({ url: `${BASE}${aggregate}`, connections: 64, duration: 2 });
  const cachedLoad = await cannon({ url: `${BASE}${aggregate}`, connections: 64, duration: 10 });
  numbers['cachedReqPerSec'] = cachedLoad.requests.average;
  numbers['cachedP99Ms'] = cachedLoad.latency.p99;
  numbers['cachedNon2xx'] = cachedLoad.non2xx;
  const pids = [server.child.pid ?? 0, ...childPids(server.child.pid ?? 0)];
  numbers['serverRssBytes'] = pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
  await server.stop();

  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const markdown = `## Core engine (issue 2)

Data: heartbeat-like CSV ${HEARTBEAT_ROWS.toLocaleString('en')} rows × 188 columns (${mb(heartbeatBytes)}); spots ${SPOTS_ROWS.toLocaleString('en')} rows (Parquet). \`dashport serve\` with DASHPORT_WORKERS=1 (supervisor + one worker), rate limit off; RSS is the sum of both processes.

| measure | result | target | |
| --- | --- | --- | --- |
| cache build of the heartbeat CSV incl. every analysis | ${numbers['buildSeconds']?.toFixed(1)} s | ≤ 10 s | ${verdict((numbers['buildSeconds'] ?? 99) <= 10)} |
| peak RSS of that build | ${mb(numbers['buildPeakRssBytes'] ?? 0)} | ≤ 900 MB | ${verdict((numbers['buildPeakRssBytes'] ?? 0) <= 900 * 1024 * 1024)} |
| warm restart → first answered query (median of 3) | ${numbers['warmRestartMs']?.toFixed(0)} ms | ≤ 1000 ms | ${verdict((numbers['warmRestartMs'] ?? 9999) <= 1000)} |
| spots 5M cache build | ${numbers['spotsBuildSeconds']?.toFixed(1)} s | — | |
| uncached aggregate (count/day by band, mode=FT8), 1 client, p50 | ${numbers['uncachedP50Ms']?.toFixed(1)} ms (p99 ${numbers['uncachedP99Ms']?.toFixed(1)} ms) | ≤ 100 ms | ${verdict((numbers['uncachedP50Ms'] ?? 999) <= 100)} |
| uncached aggregate, 64 connections | ${numbers['uncachedReqPerSec64']?.toFixed(1)} req/s (${numbers['uncachedNon2xx64']} non-2xx) | report | |
| cached aggregate, 64 connections | ${numbers['cachedReqPerSec']?.toFixed(0)} req/s, p99 ${numbers['cachedP99Ms']} ms (${numbers['cachedNon2xx']} non-2xx) | ≥ 5000 req/s, p99 ≤ 20 ms | ${verdict((numbers['cachedReqPerSec'] ?? 0) >= 5000 && (numbers['cachedP99Ms'] ?? 99) <= 20)} |
| server RSS after all of the above | ${mb(numbers['serverRssBytes'] ?? 0)} | ≤ 300 MB | ${verdict((numbers['serverRssBytes'] ?? 0) <= 300 * 1024 * 1024)} |
`;
  return { markdown, numbers };
}
