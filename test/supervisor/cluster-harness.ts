/**
 * Starts `dashport serve` (or the fault fixture) as a real process tree on a free port over a
 * tiny copy of the example data, collects its JSON log lines, and answers questions about its
 * workers from /proc and /metrics. For the supervisor's integration tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const CLI = path.join(REPO_ROOT, 'dist', 'src', 'main.js');
const FIXTURE = path.join(REPO_ROOT, 'test', 'supervisor', 'fixtures', 'serve-with-faults.mjs');
const SMALL_DATASETS = ['notes.csv', 'seattle-weather.csv'];

export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface ClusterOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Run the fixture with /__test routes instead of the plain CLI. */
  readonly fixture?: boolean;
  /** Wait until this many workers are ready (default DASHPORT_WORKERS or 2). */
  readonly workers?: number;
}

export interface RunningCluster {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  readonly logs: LogLine[];
  /** What the processes wrote to stderr (crashes, warnings). */
  stderr(): string;
  /** The last log lines and stderr, to print when a test fails. */
  describe(lines?: number): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  workerPids(): number[];
  /**
   * The first line matching `predicate`, waiting for it; from `logs[from]` on, so that a test
   * that caused an event can skip the same event caused earlier by another test.
   */
  waitForLog(
    predicate: (line: LogLine) => boolean,
    timeoutMs?: number,
    from?: number,
  ): Promise<LogLine>;
  /** A counter or gauge of the cluster-wide /metrics?format=json, 0 when absent. */
  metric(key: string): Promise<number>;
  waitForWorkers(count: number, timeoutMs?: number): Promise<void>;
  /** Sends the signal (default SIGTERM) and resolves when the supervisor exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  cleanup(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      );
    });
  });
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * GET `url`, again on a connection the server closed under the request. While workers recycle,
 * a keep-alive connection the client reuses can be closed by a worker that is leaving ("other
 * side closed"); an HTTP/1.1 client retries an idempotent request then, and fetch does not.
 */
async function fetchRetryingClosed(url: string, attempts = 3): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetch(url);
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

/** Poll `check` every 20 ms until it returns a value or the time is up. */
export async function until<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

export async function startCluster(options: ClusterOptions = {}): Promise<RunningCluster> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dashport-cluster-'));
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir);
  for (const file of SMALL_DATASETS)
    await copyFile(path.join(REPO_ROOT, 'examples', 'data', file), path.join(dataDir, file));
  const port = await freePort();
  const workers = options.workers ?? Number(options.env?.DASHPORT_WORKERS ?? 2);
  const child = spawn(
    process.execPath,
    [options.fixture ? FIXTURE : CLI, ...(options.fixture ? [] : ['serve']), dataDir],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        DASHPORT_WORKERS: String(workers),
        DASHPORT_CACHE_DIR: path.join(dir, 'cache'),
        DASHPORT_RATE_LIMIT: 'off',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: LogLine[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const pid = child.pid ?? 0;

  const cluster: RunningCluster = {
    url,
    pid,
    child,
    logs,
    stderr: () => stderr,
    describe: (lines = 40) =>
      [
        ...logs.slice(-lines).map((line) => JSON.stringify(line)),
        '--- stderr ---',
        stderr.slice(-4000),
      ].join('\n'),
    exited,
    workerPids: () => childPids(pid).filter((p) => commandLine(p).includes('serve')),
    waitForLog: (predicate, timeoutMs = 30_000, from = 0) =>
      until(() => logs.slice(from).find(predicate), timeoutMs, 'a log line'),
    async metric(key) {
      const response = await fetchRetryingClosed(`${url}/metrics?format=json`);
      const body = (await response.json()) as {
        counters: Record<string, number>;
        gauges: Record<string, number>;
      };
      return body.counters[key] ?? body.gauges[key] ?? 0;
    },
    async waitForWorkers(count, timeoutMs = 60_000) {
      await until(
        async () => {
          if (cluster.workerPids().length !== count) return undefined;
          try {
            return (await cluster.metric('dashport_workers_alive')) === count ? true : undefined;
          } catch {
            return undefined;
          }
        },
        timeoutMs,
        `${count} ready workers`,
      );
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    async cleanup() {
      if (child.exitCode === null && child.signalCode === null) {
        const children = childPids(pid);
        child.kill('SIGKILL');
        for (const worker of children) {
          try {
            process.kill(worker, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };

  try {
    await until(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
        try {
          const response = await fetch(`${url}/readyz`);
          return response.status === 200 ? true : undefined;
        } catch {
          return undefined;
        }
      },
      60_000,
      'the server to be ready',
    );
    await cluster.waitForWorkers(workers);
  } catch (error) {
    await cluster.cleanup();
    throw error;
  }
  return cluster;
}
