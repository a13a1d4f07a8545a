/**
 * Write a file under a hidden temporary name and rename it into place, so a crash or Ctrl-C
 * never leaves a half-written file under the real name (Dashport would serve it as a dataset;
 * hidden files are not datasets).
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** What a generator wrote. */
export interface GeneratedFile {
  readonly file: string;
  readonly rows: number;
  readonly bytes: number;
  readonly elapsedMs: number;
}

let sequence = 0;

/** A hidden sibling path of `file`, unique within this process. */
export function temporaryPathFor(file: string): string {
  sequence += 1;
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${sequence}.tmp`);
}

/** Run `write` on a temporary path, then rename the result to `file`; remove it on failure. */
export async function writeAtomically(
  file: string,
  write: (temporaryFile: string) => Promise<void>,
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporaryFile = temporaryPathFor(file);
  try {
    await write(temporaryFile);
    await rename(temporaryFile, file);
  } catch (error) {
    await rm(temporaryFile, { force: true });
    throw error;
  }
}
