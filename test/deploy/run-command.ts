/**
 * Running the real validators (docker-compose, kubectl, nginx, systemd-analyze, shellcheck)
 * from the deployment tests: a missing tool fails with the command that installs it,
 * never skips silently.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (test/deploy/ → ../..). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Output and exit status of a finished command. */
export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for assertion messages. */
  readonly output: string;
}

/** Run a command to completion (no shell), with a timeout. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    input?: string;
  } = {},
): CommandResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? process.env,
    timeout: options.timeoutMs ?? 60_000,
    encoding: 'utf8',
    input: options.input ?? '',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error !== undefined) {
    throw new Error(`${command} ${args.join(' ')} could not run: ${result.error.message}`);
  }
  const stdout = result.stdout;
  const stderr = result.stderr;
  return { status: result.status, stdout, stderr, output: `${stdout}${stderr}` };
}

/** The absolute path of an executable on PATH (or in /usr/sbin, /sbin), or undefined. */
export function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The tool's path; throws naming the Debian package when it is missing. */
export function requireTool(name: string, debianPackage: string): string {
  const found = findTool(name);
  if (found === undefined) {
    throw new Error(
      `${name} is not installed: run scripts/ensure-test-deps.sh (npm test does), or apt-get install ${debianPackage}`,
    );
  }
  return found;
}
