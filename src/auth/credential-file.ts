/**
 * The users and keys files as the server reads them: parsed once, re-read when the file
 * changes (checked at most once a second), so `dashport users remove` or `keys revoke`
 * takes effect on a running server without a restart. A missing file is an empty one.
 * Writes (the CLI) are atomic: a temp file in the same dir, fsync, rename, mode 0600.
 */
import { chmod, readFile, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../engine/cache-store.js';
import { ConfigError } from '../errors.js';

export const CREDENTIAL_RECHECK_MS = 1000;

export interface WatchedFile<T> {
  /** The parsed file, re-read when its size or mtime changed since the last check. */
  get(): Promise<T>;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new ConfigError(`${file}: cannot be read: ${(error as Error).message}`);
  }
}

/** The text of `file`, '' when it does not exist. */
export const readCredentialFile = readText;

export async function writeCredentialFile(file: string, text: string): Promise<void> {
  await writeFileAtomic(file, text);
  // Hashes are not secrets, but nobody else needs to read them.
  await chmod(file, 0o600);
}

export function createWatchedFile<T>(
  file: string,
  parse: (text: string, file: string) => T,
  now: () => number = Date.now,
): WatchedFile<T> {
  let current: { value: T; stamp: string } | undefined;
  let checkedAt = -Infinity;
  let pending: Promise<T> | undefined;

  async function reload(): Promise<T> {
    let stamp: string;
    try {
      const info = await stat(file);
      stamp = `${info.size}:${info.mtimeMs}:${info.ino}`;
    } catch {
      stamp = 'missing';
    }
    if (current !== undefined && current.stamp === stamp) return current.value;
    let value: T;
    try {
      value = parse(await readText(file), file);
    } catch (error) {
      // A half-edited file on a running server: keep the last good one (the error is thrown
      // at the start, where it stops the server with the file and line).
      if (current !== undefined) return current.value;
      throw error;
    }
    current = { value, stamp };
    return value;
  }

  return {
    async get() {
      if (current !== undefined && now() - checkedAt < CREDENTIAL_RECHECK_MS) return current.value;
      // One check at a time; concurrent requests share it.
      pending ??= reload().finally(() => {
        checkedAt = now();
        pending = undefined;
      });
      return pending;
    },
  };
}
