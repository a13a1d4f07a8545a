/**
 * The runtime benchmark (issue 4): `/health/quick` through `dashport serve` with the default
 * worker count, against a bare Fastify hello-world measured in the same run on the same
 * machine, plus each worker's RSS after the load. Targets: ≥ 20,000 req/s, p99 ≤ 10 ms and
 * ≥ 70% of the hello-world's throughput.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { REPO_ROOT, childPids, mb, rssBytes, spawnCli, waitForOk } from '../lib/process.js';

const DASHPORT_PORT = 18_652;
const HELLO_PORT = 18_653;
const CONNECTIONS = 64;
const WARMUP_SECONDS = 2;
const ROUND_SECONDS = 5;
/** Alternating rounds: the machine is shared, and its load drifts within a minute. */
const ROUNDS = 3;

/** A bare Fastify hello-world: the ceiling for one request on this machine. */
const HELLO_SERVER = path.join(import.meta.dirname, 'hello-server.mjs');

export interface RuntimeBenchNumbers {
  readonly workers: number;
  readonly dashportRequestsPerSecond: number;
  readonly dashportP99Ms: number;
  readonly helloRequestsPerSecond: number;
  readonly helloP99Ms: number;
  readonly ratio: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly workerRssBytes: readonly number[];
}

export interface RuntimeBenchResult {
  readonly markdown: string;
  readonly numbers: RuntimeBenchNumbers;
}

interface Measured {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function summarize(results: readonly autocannon.Result[]): Measured {
  return {
    requestsPerSecond: Math.round(median(results.map((r) => r.requests.average))),
    p99Ms: median(results.map((r) => r.latency.p99)),
    errors: results.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
  };
}

function startHello(workers: number): { child: ChildProcess; stop(): Promise<void> } {
  const child = spawn(process.execPath, [HELLO_SERVER], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(HELLO_PORT), HELLO_WORKERS: String(workers) },
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

export async function runRuntimeBench(): Promise<RuntimeBenchResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dashport-bench-runtime-'));
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir);
  await copyFile(
    path.join(REPO_ROOT, 'examples', 'data', 'notes.csv'),
    path.join(dataDir, 'notes.csv'),
  );
  const dashportUrl = `http://127.0.0.1:${DASHPORT_PORT}/health/quick`;
  const helloUrl = `http://127.0.0.1:${HELLO_PORT}/`;

  const server = spawnCli(['serve', dataDir], {
    PORT: String(DASHPORT_PORT),
    HOST: '127.0.0.1',
    DASHPORT_CACHE_DIR: path.join(dir, 'cache'),
    DASHPORT_RATE_LIMIT: 'off',
  });
  let hello: ReturnType<typeof startHello> | undefined;
  const dashportRounds: autocannon.Result[] = [];
  const helloRounds: autocannon.Result[] = [];
  let workerRss: number[];
  try {
    await waitForOk(`http://127.0.0.1:${DASHPORT_PORT}/readyz`, server.startedAt);
    // Let every worker finish starting before measuring.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const supervisor = server.child.pid ?? 0;
    const workers = Math.max(1, childPids(supervisor).length);
    // The hello-world gets as many processes, so the ratio measures our per-request cost,
    // not the process model.
    hello = startHello(workers);
    await waitForOk(helloUrl, performance.now());
    for (const url of [dashportUrl, helloUrl]) {
      await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_SECONDS });
    }
    for (let round = 0; round < ROUNDS; round += 1) {
      dashportRounds.push(
        await autocannon({ url: dashportUrl, connections: CONNECTIONS, duration: ROUND_SECONDS }),
      );
      helloRounds.push(
        await autocannon({ url: helloUrl, connections: CONNECTIONS, duration: ROUND_SECONDS }),
      );
    }
    workerRss = childPids(supervisor)
      .map(rssBytes)
      .filter((bytes) => bytes > 0);
  } finally {
    await hello?.stop();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }

  const dashport = summarize(dashportRounds);
  const baseline = summarize(helloRounds);
  const numbers: RuntimeBenchNumbers = {
    workers: workerRss.length,
    dashportRequestsPerSecond: dashport.requestsPerSecond,
    dashportP99Ms: dashport.p99Ms,
    helloRequestsPerSecond: baseline.requestsPerSecond,
    helloP99Ms: baseline.p99Ms,
    ratio: dashport.requestsPerSecond / Math.max(1, baseline.requestsPerSecond),
    errors: dashport.errors,
    non2xx: dashport.non2xx,
    workerRssBytes: workerRss,
  };
  const markdown = `## Runtime: /health/quick (issue 4)

autocannon with ${CONNECTIONS} connections against \`dashport serve\` with the default worker count (${numbers.workers}) and a bare Fastify hello-world with as many processes, on the same machine in the same run: ${WARMUP_SECONDS} s warm-up each, then ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s; medians of the rounds.

| | req/s | p99 | errors | non-2xx |
| --- | ---: | ---: | ---: | ---: |
| dashport \`/health/quick\` | ${numbers.dashportRequestsPerSecond.toLocaleString('en-US')} | ${numbers.dashportP99Ms} ms | ${numbers.errors} | ${numbers.non2xx} |
| bare Fastify hello-world | ${numbers.helloRequestsPerSecond.toLocaleString('en-US')} | ${numbers.helloP99Ms} ms | ${baseline.errors} | ${baseline.non2xx} |

| target | measured | met |
| --- | ---: | :---: |
| ≥ 20,000 req/s | ${numbers.dashportRequestsPerSecond.toLocaleString('en-US')} | ${pass(numbers.dashportRequestsPerSecond >= 20_000)} |
| p99 ≤ 10 ms | ${numbers.dashportP99Ms} ms | ${pass(numbers.dashportP99Ms <= 10)} |
| ≥ 70% of hello-world | ${(numbers.ratio * 100).toFixed(0)}% | ${pass(numbers.ratio >= 0.7)} |

RSS per worker after the load: ${workerRss.map(mb).join(', ') || 'n/a'}.
`;
  return { markdown, numbers };
}

// `tsx bench/runtime/health-quick.ts` runs this section alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runRuntimeBench();
  process.stdout.write(result.markdown);
}
