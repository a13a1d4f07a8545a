/**
 * What a cache entry was built from: each source file's size and mtime (the cheap check), a
 * sha256 of the contents (when only the mtime moved) and a hash of the settings that change
 * what is built. A cache entry is reused while they match.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { SourceFileState } from './cache-store.js';
import { DEFAULT_SAMPLES_PER_CLASS } from './compute-analyses.js';
import type { DatasetSettings } from './dataset-settings.js';

export async function fingerprintFiles(files: readonly string[]): Promise<SourceFileState[]> {
  return Promise.all(
    files.map(async (file) => {
      const info = await stat(file);
      return { path: file, size: info.size, mtimeMs: info.mtimeMs };
    }),
  );
}

export async function hashFiles(files: readonly string[], extra = ''): Promise<string> {
  const hash = createHash('sha256');
  hash.update(extra);
  for (const file of files) {
    hash.update(`\0${path.basename(file)}\0`);
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }))
      hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/** The settings that change what is built; a change rebuilds the entry. */
export function settingsHash(settings: DatasetSettings | undefined): string {
  const relevant = {
    types: settings?.types ?? {},
    label: settings?.label_column ?? null,
    samples: settings?.samples_per_class ?? DEFAULT_SAMPLES_PER_CLASS,
  };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 16);
}

export function sameFiles(a: readonly SourceFileState[], b: readonly SourceFileState[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.path === b[i]?.path && x.size === b[i]?.size && x.mtimeMs === b[i]?.mtimeMs)
  );
}
