/**
 * The little the generator CLIs share: checked numeric options and "am I the entry script".
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../src/errors.js';

/** True when the module at `moduleUrl` was started directly (`npx tsx bench/generate/x.ts`). */
export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/** `raw` as a positive integer; underscores are allowed (`5_000_000`). */
export function parsePositiveInteger(option: string, raw: string): number {
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new UsageError(`${option}: expected a positive integer, got "${raw}"`);
  }
  return value;
}

/** Report a failed CLI run on stderr and set the exit code from the error catalog. */
export function failCli(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`error: ${message}`);
  process.exitCode = error instanceof UsageError ? error.exitCode : 1;
}
