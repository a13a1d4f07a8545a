import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig } from './config.js';
import { VERSION, readEnvironment } from './load.js';

let dir: string;
let empty: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dashport-dotenv-'));
  empty = await mkdtemp(path.join(os.tmpdir(), 'dashport-no-dotenv-'));
  await writeFile(
    path.join(dir, '.env'),
    ['# comment', 'PORT=9000', 'LOG_LEVEL=debug', 'DASHPORT_CACHE_DIR="./quoted cache"', ''].join(
      '\n',
    ),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(empty, { recursive: true, force: true });
});

describe('readEnvironment', () => {
  it('reads .env from the working directory', () => {
    const env = readEnvironment(dir, {});
    expect(env).toMatchObject({
      PORT: '9000',
      LOG_LEVEL: 'debug',
      DASHPORT_CACHE_DIR: './quoted cache',
    });
  });

  it('lets the real environment win over .env', () => {
    const env = readEnvironment(dir, { PORT: '9100', HOME: '/home/x' });
    expect(env['PORT']).toBe('9100');
    expect(env['LOG_LEVEL']).toBe('debug');
    expect(env['HOME']).toBe('/home/x');
  });

  it('works without a .env file', () => {
    expect(readEnvironment(empty, { PORT: '1234' })).toEqual({ PORT: '1234' });
  });

  it('feeds buildConfig: .env values are validated like real ones', () => {
    const config = buildConfig(readEnvironment(dir, {}), { cwd: dir, version: VERSION });
    expect(config.port).toBe(9000);
    expect(config.cacheDir).toBe(path.join(dir, 'quoted cache'));
    expect(() =>
      buildConfig(readEnvironment(dir, { PORT: 'abc' }), { cwd: dir, version: VERSION }),
    ).toThrow('PORT must be an integer 1-65535, got "abc"');
  });
});

describe('VERSION', () => {
  it('is the package version', () => {
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});
