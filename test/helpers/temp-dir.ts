/** Temporary folders for tests: created under the OS temp dir, removed by the test that made them. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface TempDir {
  readonly path: string;
  /** A path inside the folder. */
  join(...parts: string[]): string;
  remove(): Promise<void>;
}

/** A new empty folder named `dashport-<prefix>-XXXXXX`. */
export async function createTempDir(prefix: string): Promise<TempDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `dashport-${prefix}-`));
  return {
    path: dir,
    join: (...parts) => path.join(dir, ...parts),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
