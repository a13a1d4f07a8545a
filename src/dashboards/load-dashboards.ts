/**
 * Reads every `*.yaml` / `*.yml` file of the dashboards dir. Each file is validated on its own:
 * a bad one is listed with its problems and the others load as usual.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { datasetIdFromName } from '../engine/discover.js';
import type { DashboardDefinition, DashboardListEntry } from '../shared/dashboard-types.js';
import { parseDashboardFile } from './parse-dashboard-file.js';

const EXTENSIONS = ['.yaml', '.yml'];

export interface DashboardSet {
  /** Valid dashboards by id. */
  readonly definitions: ReadonlyMap<string, DashboardDefinition>;
  /** Every dashboard file, valid or not, sorted by title. */
  readonly entries: readonly DashboardListEntry[];
}

/** `Sales Overview.yaml` → `sales-overview`; undefined for a file that is not a dashboard. */
export function dashboardIdFromFile(name: string): string | undefined {
  if (name.startsWith('.')) return undefined;
  const extension = EXTENSIONS.find((ext) => name.toLowerCase().endsWith(ext));
  if (extension === undefined) return undefined;
  const id = datasetIdFromName(name.slice(0, -extension.length));
  return id === '' ? undefined : id;
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function entryOf(definition: DashboardDefinition): DashboardListEntry {
  return {
    id: definition.id,
    file: definition.file,
    valid: true,
    title: definition.title,
    ...(definition.description !== undefined && { description: definition.description }),
    dataset: definition.dataset,
    panels: definition.panels.length,
    problems: [],
    definition,
  };
}

/** Load the dashboards of `dir` (a missing dir has none). */
export async function loadDashboards(dir: string): Promise<DashboardSet> {
  const definitions = new Map<string, DashboardDefinition>();
  const entries: DashboardListEntry[] = [];
  const owners = new Map<string, string>();
  for (const name of await listFiles(dir)) {
    const id = dashboardIdFromFile(name);
    if (id === undefined) continue;
    const invalid = (message: string, title?: string): DashboardListEntry => ({
      id,
      file: name,
      valid: false,
      title: title ?? id,
      panels: 0,
      problems: [{ file: name, path: '', message }],
    });
    const owner = owners.get(id);
    if (owner !== undefined) {
      entries.push(
        invalid(`dashboard id "${id}" is already taken by ${owner}; rename one of the files`),
      );
      continue;
    }
    owners.set(id, name);
    let text: string;
    try {
      text = await readFile(path.join(dir, name), 'utf8');
    } catch (error) {
      entries.push(invalid(`cannot be read: ${(error as Error).message}`));
      continue;
    }
    const result = parseDashboardFile(text, name, id);
    if (result.ok) {
      definitions.set(id, result.definition);
      entries.push(entryOf(result.definition));
    } else {
      entries.push({
        id,
        file: name,
        valid: false,
        title: result.title ?? id,
        panels: 0,
        problems: result.problems,
      });
    }
  }
  entries.sort((a, b) => a.title.localeCompare(b.title) || a.file.localeCompare(b.file));
  return { definitions, entries };
}
