/** Test support: a live server in a child process (see fixtures/live-server-main.ts). */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const FIXTURE = path.resolve(import.meta.dirname, 'fixtures/live-server-main.ts');

export interface ChildServer {
  readonly child: ChildProcess;
  readonly url: string;
}

/** Starts the fixture over `dataDir`/`cacheDir` with `env` added to this process's environment. */
export function spawnLiveServer(
  dataDir: string,
  cacheDir: string,
  env: Record<string, string> = {},
): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir, cacheDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\S+)/.exec(output);
      if (match?.[1] !== undefined) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) =>
      reject(new Error(`live server exited with ${code} before listening`)),
    );
  });
}
