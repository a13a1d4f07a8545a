/**
 * The runtime benchmark (issues 4 and 9): `/health/quick` and a cached aggregate through
 * `dashport serve` (production, 2 workers, rate limit off), against its limit — a bare
 * `node:http` server with as many cluster workers, started by this benchmark — in the same run
 * on the same machine. Load from wrk (`-t1 -c64`) when it is installed, else autocannon. Beside
 * throughput it reports the server CPU each request cost (workers' utime + stime from /proc),
 * which a shared, noisy machine disturbs far less. Targets: `/health/quick` ≥ 80 % of the limit,
 * the cached aggregate ≥ 60 %.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { REPO_ROOT, childPids, mb, rssBytes, spawnCli, waitForOk } from '../lib/process.js';

const run = promisify(execFile);
const DASHPORT_PORT = 18_652;
const LIMIT_PORT = 18_653;
const WORKERS = 2;
const CONNECTIONS = 64;
const WARMUP_SECONDS = 2;
const ROUND_SECONDS = 5;
/** Alternating rounds: the machine is shared, and its load drifts within a minute. */
const ROUNDS = 3;
/** A cached aggregate over the bundled notes table (the response cache answers it). */
const AGGREGATE_PATH = '/api/v1/datasets/notes/aggregate?x=tool&agg=count';
const QUICK_TARGET = 0.8;
const AGGREGATE_TARGET = 0.6;

/** A bare node:http server: the limit for one request on this machine. */
const LIMIT_SERVER = path.join(import.meta.dirname, 'hello-server.mjs');
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

interface Round {
  readonly requestsPerSecond: number;
  readonly requests: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
  /** Server CPU (all workers) per request, in ms. */
  readonly cpuMsPerRequest: number;
}

export interface Measured {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly cpuMsPerRequest: number;
}

export interface RuntimeBenchNumbers {
  readonly workers: number;
  readonly tool: 'wrk' | 'autocannon';
  readonly quick: Measured;
  readonly aggregate: Measured;
  readonly limit: Measured;
  readonly quickRatio: number;
  readonly aggregateRatio: number;
  readonly quickCpuRatio: number;
  readonly aggregateCpuRatio: number;
  readonly workerRssBytes: readonly number[];
}

export interface RuntimeBenchResult {
  readonly markdown: string;
  readonly numbers: RuntimeBenchNumbers;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function summarize(rounds: readonly Round[]): Measured {
  return {
    requestsPerSecond: Math.round(median(rounds.map((r) => r.requestsPerSecond))),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    cpuMsPerRequest: median(rounds.map((r) => r.cpuMsPerRequest)),
  };
}

/** utime + stime of the processes, in ms. */
function cpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

async function hasWrk(): Promise<boolean> {
  return run('wrk', ['--version']).then(
    () => true,
    (error: { code?: unknown; stdout?: string }) =>
      // wrk --version exits 1 after printing its version.
      typeof error.stdout === 'string' && error.stdout.startsWith('wrk'),
  );
}

function wrkMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

async function load(
  tool: 'wrk' | 'autocannon',
  url: string,
  seconds: number,
): Promise<Omit<Round, 'cpuMsPerRequest'>> {
  if (tool === 'autocannon') {
    const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
    return {
      requestsPerSecond: result.requests.average,
      requests: result.requests.total,
      p99Ms: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
    };
  }
  const { stdout } = await run('wrk', [
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    '--latency',
    url,
  ]);
  const number = (pattern: RegExp) => Number(pattern.exec(stdout)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    stdout,
  );
  return {
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    requests: number(/(\d+) requests in/),
    p99Ms: wrkMs(/99%\s+(\S+)/.exec(stdout)?.[1] ?? ''),
    errors: errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    non2xx: number(/Non-2xx or 3xx responses: (\d+)/),
  };
}

async function measure(
  tool: 'wrk' | 'autocannon',
  url: string,
  pids: () => number[],
): Promise<Round> {
  const before = cpuMs(pids());
  const result = await load(tool, url, ROUND_SECONDS);
  const spent = cpuMs(pids()) - before;
  return { ...result, cpuMsPerRequest: spent / Math.max(1, result.requests) };
}

function startLimit(workers: number): { child: ChildProcess; stop(): Promise<void> } {
  const child = spawn(process.execPath, [LIMIT_SERVER], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(LIMIT_PORT), HELLO_WORKERS: String(workers) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function pass(ok: boolean): string {
  return ok ? 'yes' : '**no**';
}

const pct = (ratio: number): string => `${(ratio * 100).toFixed(0)} %`;

export async function runRuntimeBench(): Promise<RuntimeBenchResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dashport-bench-runtime-'));
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir);
  await copyFile(
    path.join(REPO_ROOT, 'examples', 'data', 'notes.csv'),
    path.join(dataDir, 'notes.csv'),
  );
  const base = `http://127.0.0.1:${DASHPORT_PORT}`;
  const quickUrl = `${base}/health/quick`;
  const aggregateUrl = `${base}${AGGREGATE_PATH}`;
  const limitUrl = `http://127.0.0.1:${LIMIT_PORT}/`;
  const tool = (await hasWrk()) ? 'wrk' : 'autocannon';

  const server = spawnCli(['serve', dataDir], {
    PORT: String(DASHPORT_PORT),
    HOST: '127.0.0.1',
    DASHPORT_WORKERS: String(WORKERS),
    DASHPORT_CACHE_DIR: path.join(dir, 'cache'),
    DASHPORT_RATE_LIMIT: 'off',
  });
  let limit: ReturnType<typeof startLimit> | undefined;
  const rounds = { quick: [] as Round[], aggregate: [] as Round[], limit: [] as Round[] };
  let workerRss: number[];
  let workers = 0;
  try {
    await waitForOk(`${base}/readyz`, server.startedAt);
    // Let every worker finish starting before measuring.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const supervisor = server.child.pid ?? 0;
    const dashportPids = () => childPids(supervisor);
    workers = Math.max(1, dashportPids().length);
    // The limit gets as many processes, so the ratio measures our per-request cost,
    // not the process model.
    limit = startLimit(workers);
    const limitPid = limit.child.pid ?? 0;
    const limitPids = () => (workers > 1 ? childPids(limitPid) : [limitPid]);
    await waitForOk(limitUrl, performance.now());
    await waitForOk(aggregateUrl, performance.now());
    for (const url of [quickUrl, aggregateUrl, limitUrl]) await load(tool, url, WARMUP_SECONDS);
    for (let round = 0; round < ROUNDS; round += 1) {
      process.stderr.write(`runtime: round ${round + 1} of ${ROUNDS}\n`);
      rounds.quick.push(await measure(tool, quickUrl, dashportPids));
      rounds.aggregate.push(await measure(tool, aggregateUrl, dashportPids));
      rounds.limit.push(await measure(tool, limitUrl, limitPids));
    }
    workerRss = dashportPids()
      .map(rssBytes)
      .filter((bytes) => bytes > 0);
  } finally {
    await limit?.stop();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }

  const quick = summarize(rounds.quick);
  const aggregate = summarize(rounds.aggregate);
  const bare = summarize(rounds.limit);
  const ratio = (m: Measured) => m.requestsPerSecond / Math.max(1, bare.requestsPerSecond);
  const cpuRatio = (m: Measured) =>
    m.cpuMsPerRequest > 0 ? bare.cpuMsPerRequest / m.cpuMsPerRequest : 0;
  const numbers: RuntimeBenchNumbers = {
    workers,
    tool,
    quick,
    aggregate,
    limit: bare,
    quickRatio: ratio(quick),
    aggregateRatio: ratio(aggregate),
    quickCpuRatio: cpuRatio(quick),
    aggregateCpuRatio: cpuRatio(aggregate),
    workerRssBytes: workerRss,
  };
  const row = (label: string, m: Measured) =>
    `| ${label} | ${m.requestsPerSecond.toLocaleString('en-US')} | ${m.p99Ms} ms | ${m.cpuMsPerRequest.toFixed(3)} ms | ${m.errors} | ${m.non2xx} |`;
  const markdown = `## Runtime: the hot path against bare node:http (issues 4, 9)

${tool === 'wrk' ? `wrk -t1 -c${CONNECTIONS}` : `autocannon with ${CONNECTIONS} connections`} against \`dashport serve\` (production, ${workers} workers, rate limit off) and against its limit, a bare \`node:http\` server with as many cluster workers started by the benchmark, on the same machine in the same run: ${WARMUP_SECONDS} s warm-up each, then ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s; medians of the rounds. Server CPU is the workers' utime + stime over a round divided by its requests: on a shared machine it moves far less than req/s.

| | req/s | p99 | server CPU / request | errors | non-2xx |
| --- | ---: | ---: | ---: | ---: | ---: |
${row('dashport `/health/quick`', quick)}
${row(`dashport cached aggregate (\`${AGGREGATE_PATH}\`)`, aggregate)}
${row('bare node:http (the limit)', bare)}

| target | req/s ratio | CPU ratio (limit CPU / ours) | met (req/s) |
| --- | ---: | ---: | :---: |
| \`/health/quick\` ≥ ${pct(QUICK_TARGET)} of the limit | ${pct(numbers.quickRatio)} | ${pct(numbers.quickCpuRatio)} | ${pass(numbers.quickRatio >= QUICK_TARGET)} |
| cached aggregate ≥ ${pct(AGGREGATE_TARGET)} of the limit | ${pct(numbers.aggregateRatio)} | ${pct(numbers.aggregateCpuRatio)} | ${pass(numbers.aggregateRatio >= AGGREGATE_TARGET)} |

RSS per worker after the load: ${workerRss.map(mb).join(', ') || 'n/a'}.
`;
  return { markdown, numbers };
}

// `tsx bench/runtime/health-quick.ts` runs this section alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runRuntimeBench();
  process.stdout.write(result.markdown);
}
