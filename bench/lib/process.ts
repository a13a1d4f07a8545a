/**
 * Benchmark plumbing: spawn the real CLI, wait for an URL, sample peak and current RSS from
 * /proc (Linux), stop with SIGTERM. Numbers come from the processes themselves.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const CLI = path.join(REPO_ROOT, 'dist', 'src', 'main.js');

export interface Spawned {
  readonly child: ChildProcess;
  readonly startedAt: number;
  /** Highest VmHWM seen across the process tree (the process and its children). */
  peakRssBytes(): number;
  stop(): Promise<number | null>;
}

function statusField(pid: number, field: string): number {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Children of a pid (workers of the supervisor). */
export function childPids(pid: number): number[] {
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

export function rssBytes(pid: number): number {
  return statusField(pid, 'VmRSS');
}

export function spawnCli(args: readonly string[], env: Record<string, string>): Spawned {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let peak = 0;
  const sample = () => {
    if (child.pid === undefined) return;
    for (const pid of [child.pid, ...childPids(child.pid)])
      peak = Math.max(peak, statusField(pid, 'VmHWM'));
  };
  const timer = setInterval(sample, 50);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  void exited.then(() => clearInterval(timer));
  return {
    child,
    startedAt,
    peakRssBytes: () => {
      sample();
      return peak;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function waitForExit(spawned: Spawned): Promise<number | null> {
  if (spawned.child.exitCode !== null) return spawned.child.exitCode;
  return new Promise((resolve) => spawned.child.once('exit', (code) => resolve(code)));
}

/** Poll until the URL answers 200; returns ms since `since`. */
export async function waitForOk(url: string, since: number, timeoutMs = 120_000): Promise<number> {
  for (;;) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return performance.now() - since;
    } catch {
      // not listening yet
    }
    if (performance.now() - since > timeoutMs)
      throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0
  );
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
