/**
 * Rollups on disk, beside their dataset's cache entry:
 *
 *   <cacheDir>/datasets/<id>/rollups/<key>.parquet   one rollup
 *   <cacheDir>/datasets/<id>/rollups.json            the commit point: names them
 *
 * The list names the dataset version they were built from; a rollup of another version (the
 * data changed, live rows arrived) is never used. Written under temporary names and renamed,
 * the list last, like the cache entry itself (src/engine/cache-store.ts); a rebuild of the
 * dataset sweeps them, and the cache build writes them again right after.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { datasetCacheDir, writeFileAtomic } from '../cache-store.js';
import type { RollupSpec } from './rollup-spec.js';

export const ROLLUPS_FORMAT_VERSION = 1;

export interface StoredRollup {
  readonly spec: RollupSpec;
  /** Relative to the dataset's cache dir. */
  readonly file: string;
  readonly rows: number;
  readonly bytes: number;
  readonly buildSeconds: number;
}

export interface RollupList {
  readonly formatVersion: number;
  readonly dataset: string;
  /** The dataset version (content and settings hash) the rollups were built from. */
  readonly version: string;
  readonly builtAt: string;
  readonly rollups: readonly StoredRollup[];
}

export function rollupListPath(cacheDir: string, id: string): string {
  return path.join(datasetCacheDir(cacheDir, id), 'rollups.json');
}

export function rollupDir(cacheDir: string, id: string): string {
  return path.join(datasetCacheDir(cacheDir, id), 'rollups');
}

/** The dataset version as the catalog computes it from the manifest's hashes. */
export function manifestVersion(manifest: { contentHash: string; settingsHash: string }): string {
  return `${manifest.contentHash.slice(0, 16)}-${manifest.settingsHash.slice(0, 6)}`;
}

/** The committed list, or undefined when there is none (or it is unreadable). */
export async function readRollupList(
  cacheDir: string,
  id: string,
): Promise<RollupList | undefined> {
  try {
    const list = JSON.parse(await readFile(rollupListPath(cacheDir, id), 'utf8')) as RollupList;
    return list.formatVersion === ROLLUPS_FORMAT_VERSION && Array.isArray(list.rollups)
      ? list
      : undefined;
  } catch {
    return undefined;
  }
}

export async function writeRollupList(cacheDir: string, list: RollupList): Promise<void> {
  await writeFileAtomic(rollupListPath(cacheDir, list.dataset), JSON.stringify(list, null, 2));
}
