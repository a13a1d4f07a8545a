/**
 * `dashport cache build|status|clear` from the command line: status tells fresh, stale, missing
 * and broken apart; build prints progress lines when not on a TTY; clear empties the cache.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';

let tmp: TempDir;
let dataDir: string;
let cacheDir: string;
const env = (): Record<string, string> => ({ DASHPORT_CACHE_DIR: cacheDir });

/** The state column of `cache status` for each dataset. */
function states(stdout: string): Record<string, string> {
  const [header, ...lines] = stdout.trimEnd().split('\n');
  expect(header).toMatch(/^dataset\s+state\s+rows\s+built\s+detail$/);
  return Object.fromEntries(lines.map((line) => line.split(/\s+/).slice(0, 2) as [string, string]));
}

beforeAll(async () => {
  tmp = await createTempDir('cache-cli');
  dataDir = tmp.join('data');
  cacheDir = tmp.join('cache');
  await mkdir(dataDir);
  await writeFile(tmp.join('data', 'kept.csv'), 'a,b\n1,2\n3,4\n');
  await writeFile(tmp.join('data', 'edited.csv'), 'a\n1\n');
  await writeFile(tmp.join('data', 'broken.csv'), 'a,b\n1,2\n3,4,5\n');
});

afterAll(async () => {
  await tmp?.remove();
});

describe('dashport cache', () => {
  it('status before any build: every dataset missing', async () => {
    const result = await runCli(['cache', 'status', dataDir], { cwd: tmp.path, env: env() });
    expect(result.code).toBe(0);
    expect(states(result.stdout)).toEqual({
      broken: 'missing',
      edited: 'missing',
      kept: 'missing',
    });
  });

  it('build prints progress lines off a TTY and a summary', async () => {
    const result = await runCli(['cache', 'build', dataDir], { cwd: tmp.path, env: env() });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/"msg":"cache \d+%: kept converting"/);
    expect(result.stdout).toMatch(/^cache: 2 built, 0 fresh, 1 failed in [\d.]+ s \(.*\)$/m);
    expect(result.stdout).toMatch(/^ {2}broken: broken\.csv:3: .*too many columns/im);
  });

  it('status tells fresh, stale, missing and broken apart', async () => {
    await writeFile(tmp.join('data', 'edited.csv'), 'a\n1\n2\n');
    await writeFile(tmp.join('data', 'added.csv'), 'a\n1\n');
    const result = await runCli(['cache', 'status', dataDir], { cwd: tmp.path, env: env() });
    expect(result.code).toBe(0);
    expect(states(result.stdout)).toEqual({
      added: 'missing',
      broken: 'broken',
      edited: 'stale',
      kept: 'fresh',
    });
    const kept = result.stdout.split('\n').find((line) => line.startsWith('kept '));
    expect(kept).toMatch(/^kept\s+fresh\s+2\s+\d{4}-\d{2}-\d{2}T[\d:.]+Z\s+kept\.csv$/);
  });

  it('build --only rebuilds the named datasets', async () => {
    const result = await runCli(['cache', 'build', dataDir, '--only', 'edited,added'], {
      cwd: tmp.path,
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^cache: 2 built, 0 fresh, 0 failed/m);
    const status = await runCli(['cache', 'status', '--json', dataDir], {
      cwd: tmp.path,
      env: env(),
    });
    const entries = JSON.parse(status.stdout) as {
      id: string;
      state: string;
      rows: number | null;
    }[];
    expect(entries.map((entry) => [entry.id, entry.state, entry.rows])).toEqual([
      ['added', 'fresh', 1],
      ['broken', 'broken', null],
      ['edited', 'fresh', 2],
      ['kept', 'fresh', 2],
    ]);
  });

  it('clear empties the cache', async () => {
    const result = await runCli(['cache', 'clear'], { cwd: tmp.path, env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`cache cleared: ${cacheDir}\n`);
    const status = await runCli(['cache', 'status', dataDir], { cwd: tmp.path, env: env() });
    expect(Object.values(states(status.stdout))).toEqual([
      'missing',
      'missing',
      'missing',
      'missing',
    ]);
  });
});
