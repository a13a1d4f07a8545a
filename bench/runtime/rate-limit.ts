/**
 * The rate-limit benchmark (issue 9): what the counters cost per request. `dashport serve`
 * with 2 workers, one client IP at 64 connections, a limit so high it never refuses:
 * rate limit off, counters in the server (the supervisor's, over IPC), counters in Redis.
 * Two endpoints: the dataset list (no response cache: the counters alone differ) and a cached
 * aggregate (with Redis the response cache is in Redis too, as in the issue-5 bench).
 * Target: the Redis counters cost ≤ 20 % of throughput against the in-server ones.
 * Needs Redis (TEST_REDIS_URL) like the tests.
 */
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { REPO_ROOT, childPids, spawnCli, waitForOk } from '../lib/process.js';

const PORT = 18_761;
const BASE = `http://127.0.0.1:${PORT}`;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
const CONNECTIONS = 64;
const WARMUP_SECONDS = 2;
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 5);
/** Alternating rounds: the machine is shared, and its load drifts within a minute. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ENDPOINTS = {
  list: '/api/v1/datasets',
  aggregate: '/api/v1/datasets/seattle-weather/aggregate?x=weather&agg=count',
} as const;
const CONFIGS = {
  off: { DASHPORT_RATE_LIMIT: 'off' },
  server: { DASHPORT_RATE_LIMIT: '1000000000/minute' },
  redis: { DASHPORT_RATE_LIMIT: '1000000000/minute', REDIS_URL },
} as const;
type ConfigName = keyof typeof CONFIGS;
type EndpointName = keyof typeof ENDPOINTS;

interface Run {
  readonly rps: number;
  readonly p99: number;
  readonly non2xx: number;
  /** Server CPU (supervisor + workers) and, with Redis, Redis's CPU per request answered. */
  readonly cpuMsPerRequest: number;
  /** Redis script calls (counter leases) per request. */
  readonly redisCallsPerRequest: number;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by the supervisor and its workers. */
function serverCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const p of [pid, ...childPids(pid)]) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited meanwhile
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** Redis's own CPU seconds and the scripts it ran (the rate-limit counters' calls). */
async function redisUsage(redis: Redis): Promise<{ cpuSeconds: number; scripts: number }> {
  const cpu = await redis.info('cpu');
  const stats = await redis.info('commandstats');
  const field = (text: string, name: string) =>
    Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(text)?.[1] ?? 0);
  const calls = (command: string) =>
    Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
  return {
    cpuSeconds: field(cpu, 'used_cpu_user') + field(cpu, 'used_cpu_sys'),
    scripts: calls('evalsha') + calls('eval'),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Other load on a shared machine only ever lowers a round: the best one is the capacity. */
function best(values: readonly number[]): number {
  return Math.max(0, ...values);
}

async function measure(
  dataDir: string,
  cacheDir: string,
  env: Record<string, string>,
  redis: Redis,
): Promise<Record<EndpointName, Run>> {
  const withRedis = env['REDIS_URL'] !== undefined;
  const server = spawnCli(['serve', dataDir], {
    PORT: String(PORT),
    HOST: '127.0.0.1',
    DASHPORT_WORKERS: '2',
    DASHPORT_CACHE_DIR: cacheDir,
    ...env,
  });
  try {
    await waitForOk(`${BASE}/readyz`, server.startedAt);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const out = {} as Record<EndpointName, Run>;
    const pid = server.child.pid ?? 0;
    for (const [name, url] of Object.entries(ENDPOINTS) as [EndpointName, string][]) {
      await autocannon({ url: BASE + url, connections: CONNECTIONS, duration: WARMUP_SECONDS });
      const cpuBefore = serverCpuSeconds(pid);
      const redisBefore = await redisUsage(redis);
      const result = await autocannon({
        url: BASE + url,
        connections: CONNECTIONS,
        duration: ROUND_SECONDS,
      });
      const redisAfter = await redisUsage(redis);
      // Redis is shared with other users of the machine: counted only where the server uses it.
      const redisCpu = withRedis ? redisAfter.cpuSeconds - redisBefore.cpuSeconds : 0;
      const cpuSeconds = serverCpuSeconds(pid) - cpuBefore + redisCpu;
      const total = Math.max(1, result.requests.total);
      out[name] = {
        cpuMsPerRequest: (cpuSeconds * 1000) / total,
        redisCallsPerRequest: withRedis ? (redisAfter.scripts - redisBefore.scripts) / total : 0,
        rps: result.requests.average,
        p99: result.latency.p99,
        non2xx: result.non2xx + result.errors,
      };
    }
    return out;
  } finally {
    await server.stop();
  }
}

export async function runRateLimitBench(): Promise<{
  markdown: string;
  numbers: Record<string, number>;
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dashport-bench-ratelimit-'));
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir);
  await copyFile(
    path.join(REPO_ROOT, 'examples', 'data', 'seattle-weather.csv'),
    path.join(dataDir, 'seattle-weather.csv'),
  );
  const rounds = new Map<
    string,
    { rps: number[]; p99: number[]; cpu: number[]; calls: number[]; non2xx: number }
  >();
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [config, env] of Object.entries(CONFIGS) as [
        ConfigName,
        Record<string, string>,
      ][]) {
        process.stderr.write(`rate limit: ${config}, round ${round + 1}\n`);
        const result = await measure(dataDir, path.join(dir, 'cache'), env, redis);
        for (const endpoint of Object.keys(ENDPOINTS) as EndpointName[]) {
          const key = `${config}:${endpoint}`;
          const entry = rounds.get(key) ?? { rps: [], p99: [], cpu: [], calls: [], non2xx: 0 };
          entry.rps.push(result[endpoint].rps);
          entry.calls.push(result[endpoint].redisCallsPerRequest);
          entry.cpu.push(result[endpoint].cpuMsPerRequest);
          entry.p99.push(result[endpoint].p99);
          entry.non2xx += result[endpoint].non2xx;
          rounds.set(key, entry);
        }
      }
    }
  } finally {
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  }
  const rps = (config: ConfigName, endpoint: EndpointName) =>
    best(rounds.get(`${config}:${endpoint}`)?.rps ?? []);
  const cpu = (config: ConfigName, endpoint: EndpointName) =>
    median(rounds.get(`${config}:${endpoint}`)?.cpu ?? []);
  // Throughput lost, measured two ways: best-round req/s, and server CPU per request (what
  // bounds throughput on a saturated machine, and far less moved by other load on it).
  const cost = (config: ConfigName, against: ConfigName, endpoint: EndpointName) =>
    (1 - rps(config, endpoint) / Math.max(1, rps(against, endpoint))) * 100;
  const cpuCost = (config: ConfigName, against: ConfigName, endpoint: EndpointName) =>
    (1 - cpu(against, endpoint) / Math.max(1e-9, cpu(config, endpoint))) * 100;
  const numbers: Record<string, number> = {};
  const rows: string[] = [];
  for (const endpoint of Object.keys(ENDPOINTS) as EndpointName[]) {
    for (const config of Object.keys(CONFIGS) as ConfigName[]) {
      const entry = rounds.get(`${config}:${endpoint}`);
      numbers[`${config}_${endpoint}_rps`] = rps(config, endpoint);
      numbers[`${config}_${endpoint}_cpu_ms`] = cpu(config, endpoint);
      rows.push(
        `| \`${ENDPOINTS[endpoint]}\` | ${config} | ${Math.round(rps(config, endpoint)).toLocaleString('en-US')} | ${cpu(config, endpoint).toFixed(3)} ms | ${median(entry?.calls ?? []).toFixed(3)} | ${median(entry?.p99 ?? [])} ms | ${entry?.non2xx ?? 0} |`,
      );
    }
    numbers[`redis_cost_${endpoint}_percent`] = cost('redis', 'server', endpoint);
    numbers[`redis_cpu_cost_${endpoint}_percent`] = cpuCost('redis', 'server', endpoint);
    numbers[`server_cost_${endpoint}_percent`] = cost('server', 'off', endpoint);
    numbers[`server_cpu_cost_${endpoint}_percent`] = cpuCost('server', 'off', endpoint);
  }
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const pct = (name: string) => `${(numbers[name] ?? 0).toFixed(1)} %`;
  const cpuListCost = numbers['redis_cpu_cost_list_percent'] ?? 0;
  const cpuAggregateCost = numbers['redis_cpu_cost_aggregate_percent'] ?? 0;
  const markdown = `## Rate-limit counters (issue 9)

\`dashport serve\` with 2 workers, one client IP, ${CONNECTIONS} connections, DASHPORT_RATE_LIMIT=1000000000/minute (never refuses); ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s after a ${WARMUP_SECONDS} s warm-up; best round's req/s, median CPU per request (supervisor + workers, user + system, plus Redis's own CPU where the server uses Redis), Redis script calls per request and p99. \`server\`: the supervisor's counters over IPC (no Redis); \`redis\`: counters (and, for the aggregate, the response cache) in Redis ${REDIS_URL.replace(/\/\/[^@]*@/, '//')}. Tokens are leased in batches (up to 64 per key and process).

| endpoint | counters | req/s | CPU / request | Redis scripts / request | p99 | errors + non-2xx |
| --- | --- | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

| cost | list | aggregate |
| --- | ---: | ---: |
| in-server counters vs rate limit off, req/s | ${pct('server_cost_list_percent')} | ${pct('server_cost_aggregate_percent')} |
| in-server counters vs rate limit off, CPU / request | ${pct('server_cpu_cost_list_percent')} | ${pct('server_cpu_cost_aggregate_percent')} |
| Redis counters vs in-server counters, req/s | ${pct('redis_cost_list_percent')} | ${pct('redis_cost_aggregate_percent')} |
| Redis counters vs in-server counters, CPU / request | ${pct('redis_cpu_cost_list_percent')} | ${pct('redis_cpu_cost_aggregate_percent')} |

Target: the Redis counters cost ≤ 20 % against the in-server ones (by CPU per request, the measure other load on a shared machine moves least): ${verdict(cpuListCost <= 20 && cpuAggregateCost <= 20)}.
`;
  return { markdown, numbers };
}

// `tsx bench/runtime/rate-limit.ts` runs this section alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runRateLimitBench();
  process.stdout.write(result.markdown);
}
