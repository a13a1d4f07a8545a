/**
 * The real app over a data dir, for `inject()` tests: config from a test environment, the cache
 * built with the real engine, then `createServerDeps` + `buildApp` as `dashport serve` wires them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Config, buildConfig } from '../../src/config/config.js';
import type { Env } from '../../src/config/parse-env.js';
import { type BuildReport, buildCache } from '../../src/engine/cache-builder.js';
import { createLogger } from '../../src/logger.js';
import { buildApp } from '../../src/server/app.js';
import { createServerDeps } from '../../src/server/listen.js';
import { createTempDir } from './temp-dir.js';

export const TEST_VERSION = '0.0.0-test';

export interface TestAppOptions {
  readonly dataDir: string;
  readonly cacheDir: string;
  /** More variables; the defaults are a quiet test environment. */
  readonly env?: Env;
  /** Build the cache before the app starts (default true). */
  readonly build?: boolean;
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly deps: Awaited<ReturnType<typeof createServerDeps>>;
  /** The cache build's report, when this helper built it. */
  readonly report: BuildReport | undefined;
  close(): Promise<void>;
}

/** A Config for tests over `dataDir` and `cacheDir`, silent logs, no watchers. */
export function testConfig(dataDir: string, cacheDir: string, env: Env = {}): Config {
  return buildConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      LOG_FORMAT: 'json',
      DASHPORT_RATE_LIMIT: 'off',
      DASHPORT_DATA_DIR: dataDir,
      DASHPORT_CACHE_DIR: cacheDir,
      ...env,
    },
    { cwd: dataDir, version: TEST_VERSION },
  );
}

/** Build the cache of `dataDir` into `cacheDir` with the real engine, silently. */
export async function buildTestCache(dataDir: string, cacheDir: string): Promise<BuildReport> {
  const config = testConfig(dataDir, cacheDir);
  return buildCache({
    dataDir,
    cacheDir,
    version: TEST_VERSION,
    logger: createLogger(config),
    threads: 2,
  });
}

export async function createTestApp(options: TestAppOptions): Promise<TestApp> {
  const config = testConfig(options.dataDir, options.cacheDir, options.env);
  const logger = createLogger(config);
  const report =
    options.build === false ? undefined : await buildTestCache(options.dataDir, options.cacheDir);
  const deps = await createServerDeps({ config, logger, buildCache: false, watchSources: false });
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    config,
    deps,
    report,
    async close() {
      await app.close();
      await deps.close();
    },
  };
}

/** A test app over real HTTP: lanes and streams are only reached through the server. */
export interface ListeningTestApp {
  readonly test: TestApp;
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  close(): Promise<void>;
}

/**
 * The real app over `data/` of a new temporary folder holding `files` (path → text, e.g.
 * `data/notes.csv`, `users.txt`), listening on a loopback port; `env` is given the folder.
 */
export async function startListeningTestApp(
  name: string,
  files: Readonly<Record<string, string>>,
  env: (root: string) => Env = () => ({}),
): Promise<ListeningTestApp> {
  const temp = await createTempDir(name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(temp.join(file)), { recursive: true });
    await writeFile(temp.join(file), text);
  }
  const test = await createTestApp({
    dataDir: temp.join('data'),
    cacheDir: temp.join('cache'),
    env: env(temp.path),
  });
  const base = await test.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    test,
    base,
    async close() {
      await test.close();
      await temp.remove();
    },
  };
}
