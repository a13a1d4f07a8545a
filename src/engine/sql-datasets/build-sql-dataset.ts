/**
 * Builds (or verifies) the cache entry of one SQL dataset. Its fingerprint is the statement's
 * text and the fingerprints of the datasets it reads (their content and settings hashes), so an
 * entry is reused while neither changed and rebuilt when either did; its manifest lists the
 * `.sql` file and the sources of those datasets, so the source watcher sees an upstream change
 * as a change of this dataset too. The build itself is the file datasets' (convert-source.ts),
 * reading the rows the sandbox wrote (stage-sql-dataset.ts).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { BuildContext, BuildOutcome } from '../build-dataset.js';
import {
  type BuildFailure,
  type Manifest,
  type SourceFileState,
  datasetCacheDir,
  readFailure,
  readManifest,
  writeFailure,
  writeManifest,
} from '../cache-store.js';
import { convertSource } from '../convert-source.js';
import type { DatasetSettings } from '../dataset-settings.js';
import type { FileSource } from '../discover.js';
import { fingerprintFiles, sameFiles, settingsHash } from '../source-fingerprint.js';
import type { SqlReference, SqlTableUse } from './sql-statement.js';
import { stageSqlDataset } from './stage-sql-dataset.js';

export interface SqlDatasetInput {
  readonly text: string;
  readonly references: readonly SqlReference[];
  /** Where the statement names each dataset (to run it in PostgreSQL). */
  readonly uses: readonly SqlTableUse[];
  readonly functions: readonly SqlReference[];
}

export interface SandboxLimits {
  readonly threads: number;
  readonly memoryLimit?: string;
  readonly tempDirectory?: string;
  readonly timeoutMs: number;
}

/** The hash a SQL dataset's entry is keyed by: its text and what it read. */
export function sqlDatasetHash(text: string, dependencies: readonly Manifest[]): string {
  const hash = createHash('sha256').update('sql-dataset\0').update(text);
  for (const manifest of [...dependencies].sort((a, b) => a.id.localeCompare(b.id))) {
    hash.update(`\0${manifest.id}\0${manifest.contentHash}\0${manifest.settingsHash}`);
  }
  return hash.digest('hex');
}

/** The `.sql` file, then each dependency's sources (once each), in a stable order. */
function sourcesOf(own: readonly SourceFileState[], dependencies: readonly Manifest[]) {
  const seen = new Set(own.map((s) => s.path));
  const all = [...own];
  for (const manifest of [...dependencies].sort((a, b) => a.id.localeCompare(b.id))) {
    for (const source of manifest.sources) {
      if (seen.has(source.path)) continue;
      seen.add(source.path);
      all.push(source);
    }
  }
  return all;
}

export async function buildSqlDataset(
  source: FileSource,
  settings: DatasetSettings | undefined,
  context: BuildContext,
  input: SqlDatasetInput,
  limits: SandboxLimits,
): Promise<BuildOutcome> {
  const { cacheDir } = context;
  const previous = await readManifest(cacheDir, source.id);
  const file = source.files[0] ?? source.location;
  const dependencies: Manifest[] = [];
  for (const ref of input.references) {
    const manifest = await readManifest(cacheDir, ref.id);
    if (manifest !== undefined) {
      dependencies.push(manifest);
      continue;
    }
    const upstream = await readFailure(cacheDir, ref.id);
    const failure: BuildFailure = {
      at: new Date().toISOString(),
      message: `${source.location}:${ref.line}: reads "${ref.id}", which has no cache entry${upstream === undefined ? '' : ` (${upstream.message})`}`,
      file,
      line: ref.line,
    };
    await writeFailure(cacheDir, source.id, failure);
    return { status: 'failed', failure, manifest: previous };
  }
  const contentHash = sqlDatasetHash(input.text, dependencies);
  const wantedSettings = settingsHash(settings);
  const files = sourcesOf(await fingerprintFiles([file]), dependencies);

  if (
    !context.force &&
    previous &&
    previous.settingsHash === wantedSettings &&
    previous.contentHash === contentHash
  ) {
    if (sameFiles(previous.sources, files)) return { status: 'fresh', manifest: previous };
    // Touched but unchanged upstream: record the new mtimes, keep the data.
    const manifest: Manifest = { ...previous, sources: files };
    await writeManifest(cacheDir, manifest);
    return { status: 'fresh', manifest };
  }
  const lastFailure = await readFailure(cacheDir, source.id);
  if (!context.force && lastFailure?.contentHash === contentHash) {
    return { status: 'failed', failure: lastFailure, manifest: previous };
  }
  const views = dependencies.map((manifest) => ({
    id: manifest.id,
    parquet: path.join(datasetCacheDir(cacheDir, manifest.id), manifest.parquetFile),
  }));
  return convertSource(source, settings, context, {
    previous,
    files,
    wantedSettings,
    hashing: Promise.resolve(contentHash),
    stageSql: (target) => stageSqlDataset({ text: input.text, file, views, target, ...limits }),
  });
}
