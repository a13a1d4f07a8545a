/**
 * Finds the datasets in a data dir: every supported file is one, a folder of same-format files
 * is one (their union), and each table of a SQLite file is one. Ids are derived from names and
 * must be unique: two sources with one id stop the start with both named.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DashportError } from '../errors.js';
import type { SourceKind } from '../shared/api-types.js';
import { SETTINGS_FILE } from './dataset-settings.js';

export type FileKind = Exclude<SourceKind, 'postgres'>;

export interface FileSource {
  readonly id: string;
  readonly kind: FileKind;
  /** Absolute paths, sorted; one for a file, several for a folder. */
  readonly files: readonly string[];
  /** Relative to the data dir, for display. */
  readonly location: string;
  /** SQLite only: the table this dataset reads. */
  readonly table?: string;
}

const EXTENSIONS: readonly [string, FileKind][] = [
  ['.csv.gz', 'csv'],
  ['.tsv.gz', 'csv'],
  ['.csv', 'csv'],
  ['.tsv', 'csv'],
  ['.txt', 'csv'],
  ['.parquet', 'parquet'],
  ['.ndjson', 'ndjson'],
  ['.jsonl', 'ndjson'],
  ['.ndjson.gz', 'ndjson'],
  ['.jsonl.gz', 'ndjson'],
  ['.json', 'json'],
  ['.json.gz', 'json'],
  ['.sqlite', 'sqlite'],
  ['.sqlite3', 'sqlite'],
  ['.db', 'sqlite'],
  ['.sql', 'sql'],
];

/** Folders and files in the data dir that are never datasets. */
const RESERVED = new Set(['dashboards', SETTINGS_FILE, 'dashport.yml']);

/** `Sales Data 2024.csv` → `sales-data-2024`. */
export function datasetIdFromName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function fileKind(name: string): { kind: FileKind; stem: string } | undefined {
  const lower = name.toLowerCase();
  for (const [extension, kind] of EXTENSIONS) {
    if (lower.endsWith(extension) && lower.length > extension.length) {
      return { kind, stem: name.slice(0, name.length - extension.length) };
    }
  }
  return undefined;
}

export interface Discovery {
  readonly sources: FileSource[];
  /** Folders that mix formats, or files we cannot classify inside dataset folders. */
  readonly problems: { readonly location: string; readonly reason: string }[];
}

/**
 * Lists the file-backed sources. SQLite files are returned once with `table` unset; the caller
 * expands them into one source per table (that needs to open the file).
 */
export async function discoverSources(dataDir: string): Promise<Discovery> {
  const entries = await readdir(dataDir, { withFileTypes: true });
  const sources: FileSource[] = [];
  const problems: { location: string; reason: string }[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || RESERVED.has(entry.name)) continue;
    const full = path.join(dataDir, entry.name);
    if (entry.isDirectory()) {
      const folder = await discoverFolder(full, entry.name);
      if ('reason' in folder) problems.push(folder);
      else if (folder.files.length > 0) sources.push(folder);
      continue;
    }
    if (!entry.isFile() && !(entry.isSymbolicLink() && (await stat(full)).isFile())) continue;
    const detected = fileKind(entry.name);
    if (!detected) continue;
    const id = datasetIdFromName(detected.stem);
    if (id === '') continue;
    sources.push({ id, kind: detected.kind, files: [full], location: entry.name });
  }
  return { sources, problems };
}

async function discoverFolder(
  folder: string,
  name: string,
): Promise<FileSource | { location: string; reason: string }> {
  const files: string[] = [];
  const kinds = new Set<FileKind>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else {
        const detected = fileKind(entry.name);
        if (detected) {
          files.push(full);
          kinds.add(detected.kind);
        }
      }
    }
  };
  await walk(folder);
  if (kinds.size > 1) {
    return {
      location: name,
      reason: `folder mixes formats (${[...kinds].join(', ')}); a folder dataset must hold one format`,
    };
  }
  const [kind] = [...kinds];
  if (kind === 'sqlite') {
    return {
      location: name,
      reason:
        'a folder of SQLite files is not a dataset; put SQLite files directly in the data dir',
    };
  }
  if (kind === 'sql') {
    return {
      location: name,
      reason:
        'a folder of .sql files is not a dataset; put each SQL dataset directly in the data dir',
    };
  }
  return {
    id: datasetIdFromName(name),
    kind: kind ?? 'csv',
    files: files.sort(),
    location: `${name}/`,
  };
}

/** Throws naming both sources when two share an id. */
export function assertUniqueIds(sources: readonly { id: string; location: string }[]): void {
  const seen = new Map<string, string>();
  for (const source of sources) {
    const previous = seen.get(source.id);
    if (previous !== undefined) {
      throw new DashportError(
        'DASHPORT_ERR_DUPLICATE_DATASET',
        `two sources have the dataset id "${source.id}": ${previous} and ${source.location}; rename one of them`,
      );
    }
    seen.set(source.id, source.location);
  }
}
