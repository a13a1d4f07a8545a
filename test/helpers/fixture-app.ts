/**
 * The app over the full fixture data dir (test/helpers/fixture-data.ts), cache built, ready for
 * `inject()`; one per test file, made in `beforeAll`.
 */
import { writeFixtureDataDir } from './fixture-data.js';
import { type TempDir, createTempDir } from './temp-dir.js';
import { type TestApp, createTestApp } from './test-app.js';

export interface FixtureApp extends TestApp {
  readonly tmp: TempDir;
  readonly dataDir: string;
  readonly cacheDir: string;
}

export async function createFixtureApp(prefix: string): Promise<FixtureApp> {
  const tmp = await createTempDir(prefix);
  const dataDir = tmp.join('data');
  const cacheDir = tmp.join('cache');
  await writeFixtureDataDir(dataDir);
  const test = await createTestApp({ dataDir, cacheDir });
  return {
    ...test,
    tmp,
    dataDir,
    cacheDir,
    async close() {
      await test.close();
      await tmp.remove();
    },
  };
}

/** A query string from ordered pairs; keys may repeat. */
export function query(pairs: readonly (readonly [string, string])[]): string {
  return new URLSearchParams(
    pairs.map(([key, value]): [string, string] => [key, value]),
  ).toString();
}
