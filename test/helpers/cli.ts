/**
 * Runs the built CLI (`node dist/src/main.js`, compiled once per run by test/global-setup.ts)
 * as a real process, with a minimal environment so the developer's own variables and `.env`
 * never leak into a test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN_JS = path.join(REPO_ROOT, 'dist', 'src', 'main.js');

export interface CliOptions {
  /** Variables on top of PATH and HOME; nothing else from the test's environment is passed. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory; a temp dir keeps a `.env` in the repo out of the test. */
  readonly cwd: string;
  readonly timeoutMs?: number;
  /** Written to the process's stdin, which is then closed (default: no stdin). */
  readonly input?: string;
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment a CLI process gets: PATH, HOME, quiet JSON logs, plus `extra`. */
export function cliEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    LOG_FORMAT: 'json',
    ...extra,
  };
}

/** A running CLI process whose output is collected as it comes. */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exits. */
  readonly exited: Promise<CliResult>;
  /** Resolves once stdout + stderr match `pattern`; rejects on exit or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** Start `node dist/src/main.js …args` without waiting for it. */
export function spawnCli(args: readonly string[], options: CliOptions): CliProcess {
  const child = spawn(process.execPath, [MAIN_JS, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    notify();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    notify();
  });
  const exited = new Promise<CliResult>((resolve) => {
    child.once('close', (code, signal) => {
      notify();
      resolve({ code, signal, stdout, stderr });
    });
  });
  let done = false;
  void exited.then(() => {
    done = true;
    notify();
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(stdout + stderr)) finish(() => resolve());
          else if (done)
            finish(() =>
              reject(new Error(`process exited before printing ${pattern}:\n${stdout}${stderr}`)),
            );
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${stdout}${stderr}`)),
            ),
          timeoutMs,
        );
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** Run `node dist/src/main.js …args` to completion; SIGKILL after `timeoutMs`. */
export async function runCli(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const running = spawnCli(args, options);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  try {
    return await running.exited;
  } finally {
    clearTimeout(timer);
  }
}
