/**
 * Every dataset source behind one lookup by id. The first source that has an id serves it
 * (PostgreSQL comes first, so a `pg.<table>` id is the database's, as it always was); an id no
 * source has is a 404 naming the known ones.
 */
import { NotFoundError } from '../../errors.js';
import type { DatasetSummary } from '../../shared/api-types.js';
import type { DatasetSource } from './dataset-source.js';

/** How many ids a 404 lists at most. */
const KNOWN_IDS_LISTED = 50;

export interface SourceCatalog {
  /** The source serving `id`, or 404 naming the known datasets. */
  sourceOf(id: string): DatasetSource;
  has(id: string): boolean;
  /** Every dataset of every source, by id. */
  list(): DatasetSummary[];
  versionOf(id: string): string;
  updatedAtOf(id: string): Date | undefined;
}

export function createSourceCatalog(sources: readonly DatasetSource[]): SourceCatalog {
  const find = (id: string): DatasetSource | undefined => sources.find((source) => source.has(id));
  const catalog: SourceCatalog = {
    sourceOf(id) {
      const source = find(id);
      if (source !== undefined) return source;
      const known = sources.flatMap((s) => s.list().map((dataset) => dataset.id)).sort();
      throw new NotFoundError(
        'DASHPORT_ERR_DATASET_NOT_FOUND',
        `unknown dataset "${id}"; datasets are: ${known.slice(0, KNOWN_IDS_LISTED).join(', ') || '(none)'}`,
      );
    },
    has: (id) => find(id) !== undefined,
    list() {
      return sources.flatMap((source) => source.list()).sort((a, b) => a.id.localeCompare(b.id));
    },
    versionOf: (id) => catalog.sourceOf(id).versionOf(id),
    updatedAtOf: (id) => catalog.sourceOf(id).updatedAtOf(id),
  };
  return catalog;
}
