/**
 * Starting the built server (`node dist/src/main.js serve`) as a real process for the
 * end-to-end deployment tests, optionally as another user, and waiting on its HTTP API.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from './run-command.js';

/** The built CLI entry (the package's bin). */
export const MAIN_JS = path.join(REPO_ROOT, 'dist', 'src', 'main.js');

/** Throws a clear message when the build output is missing. */
export function requireBuild(): void {
  if (!existsSync(MAIN_JS)) {
    throw new Error(`${MAIN_JS} is missing: run \`npm run build\` before the deployment tests`);
  }
}

/** A free TCP port on 127.0.0.1 (bound and released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A started server: its process, everything it printed, and a stop that reports the exit. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** stdout + stderr so far. */
  output(): string;
  /** Send a signal (default SIGTERM) and wait for the exit; SIGKILL after killAfterMs. */
  stop(
    signal?: NodeJS.Signals,
    killAfterMs?: number,
  ): Promise<{ code: number | null; signal: string | null; ms: number }>;
}

/** Spawn `[prefix...] node dist/src/main.js serve` in `cwd` with exactly `env`. */
export function startServer(options: {
  port: number;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Runs the command through this prefix, e.g. setpriv to change user. */
  prefix?: readonly string[];
  args?: readonly string[];
}): ServerProcess {
  const cwd = options.cwd ?? REPO_ROOT;
  const command = [
    ...(options.prefix ?? []),
    process.execPath,
    'dist/src/main.js',
    ...(options.args ?? ['serve']),
  ];
  const [file = process.execPath, ...args] = command;
  const child = spawn(file, args, { cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    port: options.port,
    output: () => output,
    stop: async (signal = 'SIGTERM', killAfterMs = 60_000) => {
      const started = performance.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const result = await exited;
      clearTimeout(timer);
      return { ...result, ms: performance.now() - started };
    },
  };
}

/** A plain HTTP response, body as a Buffer (never decompressed). */
export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** GET/POST with node:http, from an optional local (loopback) address. */
export async function request(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    localAddress?: string;
    timeoutMs?: number;
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Poll `url` until `accept(response)` or the deadline; throws with the last answer and the server output. */
export async function waitFor(
  url: string,
  accept: (response: RawResponse) => boolean,
  options: { timeoutMs: number; server?: ServerProcess; intervalMs?: number },
): Promise<RawResponse> {
  const deadline = performance.now() + options.timeoutMs;
  let last = 'no answer';
  while (performance.now() < deadline) {
    const child = options.server?.child;
    if (child !== undefined && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(
        `server exited (${child.exitCode ?? child.signalCode}) before ${url} was ready:\n${options.server?.output() ?? ''}`,
      );
    }
    try {
      const response = await request(url, { timeoutMs: 5_000 });
      if (accept(response)) return response;
      last = `${response.status} ${response.body.toString('utf8').slice(0, 300)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
  throw new Error(
    `${url} not ready after ${options.timeoutMs} ms (last: ${last})\n${options.server?.output().slice(-4000) ?? ''}`,
  );
}

/** True when /health/quick reports a serving status. */
export function isServing(response: RawResponse): boolean {
  if (response.status !== 200) return false;
  const status = (JSON.parse(response.body.toString('utf8')) as { status?: string }).status;
  return status === 'healthy' || status === 'degraded';
}
