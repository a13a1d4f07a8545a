/**
 * Each dataset's cache state without building anything: fresh (entry matches the sources),
 * stale (sources changed since), missing, or broken (last build failed: file, line, reason).
 */
import { settingsHash, fingerprintFiles } from './source-fingerprint.js';
import { readFailure, readManifest } from './cache-store.js';
import { loadDatasetSources } from './load-datasets.js';

export type CacheState = 'fresh' | 'stale' | 'missing' | 'broken';

export interface CacheStatusEntry {
  readonly id: string;
  readonly state: CacheState;
  readonly location: string;
  readonly rows: number | null;
  readonly builtAt: string | null;
  readonly error: string | null;
}

export async function cacheStatusReport(
  dataDir: string,
  cacheDir: string,
): Promise<CacheStatusEntry[]> {
  const datasets = await loadDatasetSources(dataDir);
  const entries: CacheStatusEntry[] = [];
  for (const source of datasets.sources) {
    const [manifest, failure] = await Promise.all([
      readManifest(cacheDir, source.id),
      readFailure(cacheDir, source.id),
    ]);
    // A SQL dataset's entry also lists the sources of the datasets it reads: compare all of them.
    const watched =
      source.kind === 'sql' && manifest ? manifest.sources.map((s) => s.path) : source.files;
    const files = await fingerprintFiles(watched).catch(() => []);
    let state: CacheState = 'missing';
    if (failure) state = 'broken';
    else if (manifest) {
      const same =
        manifest.settingsHash === settingsHash(datasets.settings[source.id]) &&
        manifest.sources.length === files.length &&
        manifest.sources.every(
          (s, i) =>
            s.path === files[i]?.path &&
            s.size === files[i]?.size &&
            s.mtimeMs === files[i]?.mtimeMs,
        );
      state = same ? 'fresh' : 'stale';
    }
    entries.push({
      id: source.id,
      state,
      location: source.location,
      rows: manifest?.rows ?? null,
      builtAt: manifest?.builtAt ?? null,
      error: failure?.message ?? null,
    });
  }
  for (const problem of datasets.problems) {
    entries.push({
      id: problem.id,
      state: 'broken',
      location: problem.location,
      rows: null,
      builtAt: null,
      error: problem.reason,
    });
  }
  return entries;
}

export function formatStatusTable(entries: readonly CacheStatusEntry[]): string {
  const header = ['dataset', 'state', 'rows', 'built', 'detail'];
  const rows = entries.map((e) => [
    e.id,
    e.state,
    e.rows === null ? '-' : String(e.rows),
    e.builtAt ?? '-',
    e.error ?? e.location,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
