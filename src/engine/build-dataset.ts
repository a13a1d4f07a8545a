/**
 * Builds (or verifies) the cache entry of one file dataset: fingerprint the sources, reuse the
 * entry when nothing changed (source-fingerprint.ts), else convert to Parquet, compute the
 * analyses and commit a new manifest (convert-source.ts). A source that cannot be read fails
 * this dataset alone, with file, line and reason (locate-failure.ts).
 */
import {
  type BuildFailure,
  type Manifest,
  readFailure,
  readManifest,
  writeManifest,
} from './cache-store.js';
import { convertSource } from './convert-source.js';
import type { DatasetSettings } from './dataset-settings.js';
import type { FileSource } from './discover.js';
import type { DuckDb } from './duckdb.js';
import { fingerprintFiles, hashFiles, sameFiles, settingsHash } from './source-fingerprint.js';

export type BuildOutcome =
  | { readonly status: 'fresh'; readonly manifest: Manifest }
  | { readonly status: 'built'; readonly manifest: Manifest }
  | {
      readonly status: 'failed';
      readonly failure: BuildFailure;
      readonly manifest: Manifest | undefined;
    };

export interface BuildContext {
  readonly db: DuckDb;
  readonly cacheDir: string;
  readonly version: string;
  /** Rebuild even when the fingerprint matches (`cache build --force`). */
  readonly force?: boolean;
  readonly onPhase?: (phase: 'hashing' | 'converting' | 'analysing') => void;
}

export async function buildDataset(
  source: FileSource,
  settings: DatasetSettings | undefined,
  context: BuildContext,
): Promise<BuildOutcome> {
  const { cacheDir } = context;
  const previous = await readManifest(cacheDir, source.id);
  const files = await fingerprintFiles(source.files);
  const wantedSettings = settingsHash(settings);
  const tableTag = source.table === undefined ? '' : `table:${source.table}`;

  if (
    !context.force &&
    previous &&
    previous.settingsHash === wantedSettings &&
    sameFiles(previous.sources, files)
  ) {
    return { status: 'fresh', manifest: previous };
  }
  const lastFailure = await readFailure(cacheDir, source.id);
  // With something to compare against, hash first: an unchanged source skips the build. On a
  // first build the hash only labels the result, so it runs alongside the conversion.
  const hashing = hashFiles(source.files, tableTag);
  hashing.catch(() => undefined);
  if (previous === undefined && lastFailure === undefined && !context.force) {
    return convertSource(source, settings, context, { previous, files, wantedSettings, hashing });
  }
  context.onPhase?.('hashing');
  const contentHash = await hashing;
  if (
    !context.force &&
    previous &&
    previous.settingsHash === wantedSettings &&
    previous.contentHash === contentHash
  ) {
    // Touched but unchanged (a copy, a checkout): record the new mtimes, keep the data.
    const manifest: Manifest = { ...previous, sources: files };
    await writeManifest(cacheDir, manifest);
    return { status: 'fresh', manifest };
  }
  if (!context.force && lastFailure?.contentHash === contentHash) {
    return { status: 'failed', failure: lastFailure, manifest: previous };
  }
  return convertSource(source, settings, context, { previous, files, wantedSettings, hashing });
}
