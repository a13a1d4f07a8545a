/**
 * The last discovered list of PostgreSQL relations, kept in the cache dir: a server started
 * while the database is down still lists its `pg.*` datasets (answering 503 with the reason)
 * instead of forgetting them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../logger.js';
import { writeFileAtomic } from '../cache-store.js';
import type { PgRelation } from './pg-discovery.js';
import { pgReason } from './pg-pool.js';

export function relationListFile(cacheDir: string): string {
  return path.join(cacheDir, 'postgres', 'relations.json');
}

/** Writes the list atomically; a failure is logged, never thrown (it only costs the fallback). */
export async function saveRelationList(
  file: string,
  relations: readonly PgRelation[],
  logger: Logger,
): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(relations)).catch((error: unknown) =>
    logger.warn(
      { err: pgReason(error) },
      'cannot keep the PostgreSQL dataset list in the cache dir',
    ),
  );
}

/** The list last saved, or none when the database was never discovered from this cache dir. */
export async function restoreRelationList(file: string): Promise<PgRelation[]> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PgRelation[];
  } catch {
    return [];
  }
}
