/**
 * The on-disk layout of the columnar cache and its atomic writes.
 *
 *   <cacheDir>/datasets/<id>/manifest.json        the commit point: names the files below
 *   <cacheDir>/datasets/<id>/<key>.parquet        the data
 *   <cacheDir>/datasets/<id>/<key>.analysis.json  precomputed analyses
 *   <cacheDir>/datasets/<id>/failure.json         the last failed build (file, line, reason)
 *
 * Every file is written under a temporary name and renamed into place; the manifest is renamed
 * last, so a crash at any point leaves either the previous complete entry or the new one, never
 * a half-written file that is later read. Files no manifest names are swept on the next build.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ColumnInfo, SourceKind } from '../shared/api-types.js';

export const MANIFEST_FORMAT_VERSION = 1;

export interface SourceFileState {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface Manifest {
  readonly formatVersion: number;
  readonly id: string;
  readonly kind: SourceKind;
  readonly location: string;
  readonly sources: readonly SourceFileState[];
  /** sha256 over the source files' bytes (and the table name for SQLite). */
  readonly contentHash: string;
  /** Hash of the dataset settings that change the build (types, label column, …). */
  readonly settingsHash: string;
  readonly parquetFile: string;
  readonly analysisFile: string;
  readonly columns: readonly ColumnInfo[];
  readonly rows: number;
  readonly parquetBytes: number;
  readonly builtAt: string;
  readonly buildSeconds: number;
  readonly dashportVersion: string;
}

export interface BuildFailure {
  readonly at: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  /** The content hash of the sources that failed, so an unchanged broken file is not retried. */
  readonly contentHash?: string;
}

export function datasetCacheDir(cacheDir: string, id: string): string {
  return path.join(cacheDir, 'datasets', id);
}

/** A unique temporary name next to `target`, so the final rename stays on one filesystem. */
export function temporaryPath(target: string): string {
  return path.join(
    path.dirname(target),
    `.tmp-${process.pid}-${randomBytes(4).toString('hex')}-${path.basename(target)}`,
  );
}

/** Write text durably and atomically: temp file, fsync, rename. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = temporaryPath(target);
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, target);
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A corrupt JSON file (should not happen with atomic writes) counts as absent.
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** The manifest, if it exists, is complete and its files are present. */
export async function readManifest(cacheDir: string, id: string): Promise<Manifest | undefined> {
  const dir = datasetCacheDir(cacheDir, id);
  const manifest = await readJson<Manifest>(path.join(dir, 'manifest.json'));
  if (!manifest || manifest.formatVersion !== MANIFEST_FORMAT_VERSION) return undefined;
  try {
    await stat(path.join(dir, manifest.parquetFile));
    await stat(path.join(dir, manifest.analysisFile));
  } catch {
    return undefined;
  }
  return manifest;
}

export async function writeManifest(cacheDir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(
    path.join(datasetCacheDir(cacheDir, manifest.id), 'manifest.json'),
    JSON.stringify(manifest, null, 2),
  );
}

export async function readFailure(cacheDir: string, id: string): Promise<BuildFailure | undefined> {
  return readJson<BuildFailure>(path.join(datasetCacheDir(cacheDir, id), 'failure.json'));
}

export async function writeFailure(
  cacheDir: string,
  id: string,
  failure: BuildFailure,
): Promise<void> {
  await writeFileAtomic(
    path.join(datasetCacheDir(cacheDir, id), 'failure.json'),
    JSON.stringify(failure, null, 2),
  );
}

export async function clearFailure(cacheDir: string, id: string): Promise<void> {
  await rm(path.join(datasetCacheDir(cacheDir, id), 'failure.json'), { force: true });
}

export async function readAnalysisFile<T>(
  cacheDir: string,
  manifest: Manifest,
): Promise<T | undefined> {
  return readJson<T>(path.join(datasetCacheDir(cacheDir, manifest.id), manifest.analysisFile));
}

/** Remove temporary leftovers and files the current manifest does not name. */
export async function sweepDatasetDir(
  cacheDir: string,
  id: string,
  keep: readonly string[],
): Promise<void> {
  const dir = datasetCacheDir(cacheDir, id);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const kept = new Set(['manifest.json', 'failure.json', ...keep]);
  await Promise.all(
    names
      .filter((name) => !kept.has(name))
      .filter((name) => !name.startsWith(`.tmp-${process.pid}-`) || keep.length === 0)
      .map((name) => rm(path.join(dir, name), { force: true, recursive: true })),
  );
}

/** Ids that have a cache entry on disk. */
export async function listCachedIds(cacheDir: string): Promise<string[]> {
  try {
    return (await readdir(path.join(cacheDir, 'datasets'))).filter((name) => !name.startsWith('.'));
  } catch {
    return [];
  }
}
