/**
 * Exit codes of the built `dashport` command (SPEC §2): 0 success, 1 runtime failure, 2 usage
 * or configuration error, each with a message that names what is wrong and what is accepted.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/config/load.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';

let tmp: TempDir;

beforeAll(async () => {
  tmp = await createTempDir('exit-codes');
});

afterAll(async () => {
  await tmp?.remove();
});

describe('exit code 2: configuration', () => {
  it('`PORT=abc dashport check` names the variable, the value and the range', async () => {
    const result = await runCli(['check'], { cwd: tmp.path, env: { PORT: 'abc' } });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('FAIL config: PORT must be an integer 1-65535, got "abc"\n');
    expect(result.stderr).toBe('dashport: configuration is invalid\n');
  });

  it('`PORT=abc dashport serve` stops before starting, with the same message', async () => {
    const result = await runCli(['serve', tmp.path], { cwd: tmp.path, env: { PORT: 'abc' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('dashport: PORT must be an integer 1-65535, got "abc"\n');
  });

  it('`dashport serve` with two sources of one id stops before forking, naming both', async () => {
    const dir = tmp.join('duplicates');
    await mkdir(dir, { recursive: true });
    await writeFile(tmp.join('duplicates', 'sales.csv'), 'a\n1\n');
    await writeFile(tmp.join('duplicates', 'Sales.json'), '[{"a":1}]');
    const result = await runCli(['serve', dir], {
      cwd: tmp.path,
      env: { PORT: String(await freePort()), DASHPORT_CACHE_DIR: tmp.join('dup-cache') },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('two sources have the dataset id "sales"');
    expect(result.stderr).toContain('Sales.json');
    expect(result.stderr).toContain('sales.csv');
  });

  it('never prints the password of an invalid DATABASE_URL', async () => {
    const result = await runCli(['check'], {
      cwd: tmp.path,
      env: { DATABASE_URL: 'mysql://admin:hunter2@db/app' },
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(
      'DATABASE_URL must be a URL starting with postgres:// or postgresql://',
    );
    expect(result.stdout + result.stderr).not.toContain('hunter2');
  });

  it('reads .env from the working directory, and the real environment wins', async () => {
    const dir = await createTempDir('dotenv-cli');
    try {
      await writeFile(dir.join('.env'), 'PORT=not-a-port\n');
      const fromFile = await runCli(['check'], { cwd: dir.path });
      expect(fromFile.code).toBe(2);
      expect(fromFile.stdout).toContain('PORT must be an integer 1-65535, got "not-a-port"');
      const overridden = await runCli(['check', dir.path], {
        cwd: dir.path,
        env: { PORT: '8123', DASHPORT_CACHE_DIR: dir.join('cache') },
      });
      expect(overridden.stdout).toMatch(/^ok {3}config: valid/m);
    } finally {
      await dir.remove();
    }
  });
});

describe('exit code 2: usage', () => {
  it('an unknown command', async () => {
    const result = await runCli(['frobnicate'], { cwd: tmp.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown command 'frobnicate'");
  });

  it('an unknown option', async () => {
    const result = await runCli(['check', '--frobnicate'], { cwd: tmp.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown option '--frobnicate'");
  });

  it('a bad option value', async () => {
    const result = await runCli(['healthcheck', '--retries', '0'], { cwd: tmp.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('dashport: --retries must be an integer 1-100, got "0"\n');
  });
});

describe('exit code 1: runtime', () => {
  it('an unknown dataset for `cache build --only`', async () => {
    const result = await runCli(['cache', 'build', tmp.path, '--only', 'nope'], {
      cwd: tmp.path,
      env: { DASHPORT_CACHE_DIR: tmp.join('cache') },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('dashport: unknown dataset "nope"');
  });

  it('`healthcheck` against a closed port', async () => {
    const port = await freePort();
    const result = await runCli(
      ['healthcheck', '--url', `http://127.0.0.1:${port}`, '--retries', '1'],
      { cwd: tmp.path },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^dashport: unhealthy after 1 attempt\\(s\\): http://127\\.0\\.0\\.1:${port}/health/quick: `,
      ),
    );
  });

  it('`status` against a closed port', async () => {
    const port = await freePort();
    const result = await runCli(['status', '--url', `http://127.0.0.1:${port}`], { cwd: tmp.path });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`dashport: cannot read http://127.0.0.1:${port}/health`);
  });
});

describe('exit code 0', () => {
  it('--version prints the package version', async () => {
    const result = await runCli(['--version'], { cwd: tmp.path });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });
});
