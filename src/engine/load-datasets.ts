/**
 * The data dir as a list of dataset sources with their settings: discovery, SQLite tables
 * expanded into `<file>.<table>` datasets, settings from dashport.yaml, unique ids enforced.
 * Shared by the cache builder and the serving catalog so both see the same datasets.
 */
import { access, constants, stat } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { type DatasetSettings, type SettingsFile, loadSettings } from './dataset-settings.js';
import {
  type FileSource,
  assertUniqueIds,
  datasetIdFromName,
  discoverSources,
} from './discover.js';
import { listSqliteTables } from './sqlite-source.js';

export interface DatasetSources {
  readonly sources: readonly FileSource[];
  readonly settings: SettingsFile;
  /** Sources that could not even be listed (bad SQLite file, mixed folder): reported, not fatal. */
  readonly problems: readonly {
    readonly id: string;
    readonly location: string;
    readonly reason: string;
  }[];
}

/** Throws ConfigError when the data dir is missing or unreadable. */
export async function assertDataDirReadable(dataDir: string): Promise<void> {
  let info;
  try {
    info = await stat(dataDir);
  } catch {
    throw new ConfigError(
      `DASHPORT_DATA_DIR must be a readable folder, got "${dataDir}" (it does not exist)`,
      'DASHPORT_DATA_DIR',
    );
  }
  if (!info.isDirectory()) {
    throw new ConfigError(
      `DASHPORT_DATA_DIR must be a readable folder, got "${dataDir}" (not a folder)`,
      'DASHPORT_DATA_DIR',
    );
  }
  try {
    await access(dataDir, constants.R_OK | constants.X_OK);
  } catch {
    throw new ConfigError(
      `DASHPORT_DATA_DIR must be a readable folder, got "${dataDir}" (permission denied)`,
      'DASHPORT_DATA_DIR',
    );
  }
}

export async function loadDatasetSources(dataDir: string): Promise<DatasetSources> {
  await assertDataDirReadable(dataDir);
  const settings = await loadSettings(dataDir);
  const discovery = await discoverSources(dataDir);
  const sources: FileSource[] = [];
  const problems = discovery.problems.map((problem) => ({
    id: datasetIdFromName(problem.location),
    ...problem,
  }));
  for (const source of discovery.sources) {
    if (source.kind !== 'sqlite') {
      sources.push(source);
      continue;
    }
    try {
      for (const table of await listSqliteTables(source.files[0] ?? '')) {
        sources.push({
          ...source,
          id: `${source.id}.${datasetIdFromName(table)}`,
          location: `${source.location}#${table}`,
          table,
        });
      }
    } catch (error) {
      problems.push({
        id: source.id,
        location: source.location,
        reason: `${source.location}: not a readable SQLite database: ${(error as Error).message}`,
      });
    }
  }
  assertUniqueIds(sources);
  return { sources, settings, problems };
}

/**
 * Start-up check: duplicate ids and an invalid dashport.yaml stop the start (they are the
 * user's configuration). An unreadable data dir does not — it may be a volume that is not
 * mounted yet — and is reported by /health as unhealthy instead.
 */
export async function preflightDatasets(dataDir: string): Promise<DatasetSources | undefined> {
  try {
    await assertDataDirReadable(dataDir);
  } catch {
    return undefined;
  }
  return loadDatasetSources(dataDir);
}

export function settingsFor(sources: DatasetSources, id: string): DatasetSettings | undefined {
  return sources.settings[id];
}
