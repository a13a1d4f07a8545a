/** `dashport check`: one line per check; exit 0 when all pass, 2 for unusable folders, 1 for unreachable services. */
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';

let tmp: TempDir;
let dataDir: string;

beforeAll(async () => {
  tmp = await createTempDir('check');
  dataDir = tmp.join('data');
  await mkdir(dataDir);
  await writeFile(tmp.join('data', 'a.csv'), 'x\n1\n');
  await writeFile(tmp.join('data', 'b.json'), '[{"y": 2}]');
});

afterAll(async () => {
  await tmp?.remove();
});

describe('dashport check', () => {
  it('prints one ok line per check and exits 0', async () => {
    const cacheDir = tmp.join('cache');
    const result = await runCli(['check', dataDir], {
      cwd: tmp.path,
      env: { DASHPORT_CACHE_DIR: cacheDir },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      'ok   config: valid (development)',
      `ok   data dir: ${dataDir}: 2 dataset(s)`,
      `ok   cache dir: ${cacheDir} is writable`,
    ]);
  });

  it('reports the environment it validated', async () => {
    const result = await runCli(['check', dataDir], {
      cwd: tmp.path,
      env: { NODE_ENV: 'production', DASHPORT_CACHE_DIR: tmp.join('cache') },
    });
    expect(result.stdout).toMatch(/^ok {3}config: valid \(production\)$/m);
  });

  it('exits 2 naming a data dir that does not exist', async () => {
    const missing = tmp.join('nowhere');
    const result = await runCli(['check', missing], {
      cwd: tmp.path,
      env: { DASHPORT_CACHE_DIR: tmp.join('cache') },
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(
      `FAIL data dir: DASHPORT_DATA_DIR must be a readable folder, got "${missing}" (it does not exist)`,
    );
    expect(result.stdout).toMatch(/^ok {3}cache dir: /m);
    expect(result.stderr).toBe('dashport: 1 check(s) failed\n');
  });

  it('exits 2 when the cache dir cannot be created', async () => {
    const blocker = tmp.join('a-file');
    await writeFile(blocker, 'not a folder');
    const result = await runCli(['check', dataDir], {
      cwd: tmp.path,
      env: { DASHPORT_CACHE_DIR: `${blocker}/cache` },
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(
      /^FAIL cache dir: DASHPORT_CACHE_DIR must be a writable folder, got ".*a-file\/cache"/m,
    );
  });

  it('checks configured services and exits 1 when one is unreachable', async () => {
    const port = await freePort();
    const result = await runCli(['check', dataDir], {
      cwd: tmp.path,
      env: {
        DASHPORT_CACHE_DIR: tmp.join('cache'),
        REDIS_URL: `redis://:s3cret@127.0.0.1:${port}/0`,
      },
    });
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^FAIL redis: .*ECONNREFUSED/);
    expect(result.stdout + result.stderr).not.toContain('s3cret');
  });
});
