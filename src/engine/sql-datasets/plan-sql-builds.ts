/**
 * Before a cache build: every `.sql` dataset read and checked by DuckDB's parser, then planned
 * (dependency-graph.ts). What cannot be built (a refused statement, an unknown id, a cycle,
 * both engines in one statement) is a failure naming the file and line, for that dataset
 * alone. Datasets that run in PostgreSQL are listed apart: the cache does not build them, the
 * serving catalog leaves them to the PostgreSQL side (pg-sql-dataset-source.ts), which plans
 * them again once it knows the PostgreSQL datasets (`withPgIds`).
 */
import type { BuildFailure } from '../cache-store.js';
import type { DuckDb } from '../duckdb.js';
import type { DatasetSources } from '../load-datasets.js';
import {
  type BuildPlan,
  type SqlDatasetNode,
  planSqlDatasets,
  withDependents,
} from './dependency-graph.js';
import type { SqlDatasetInput } from './build-sql-dataset.js';
import { readSqlDataset } from './read-sql-dataset.js';

export interface SqlBuildPlan {
  /** SQL dataset ids in build order (each after the SQL datasets it reads). */
  readonly order: readonly string[];
  /** SQL datasets that run in PostgreSQL (not built into the cache), in dependency order. */
  readonly postgres: readonly string[];
  readonly inputs: ReadonlyMap<string, SqlDatasetInput>;
  /** SQL datasets that will not be built, with the failure to record. */
  readonly failures: ReadonlyMap<string, BuildFailure>;
  /** `ids` plus the SQL datasets that read them, directly or not. */
  withDependents(ids: readonly string[]): Set<string>;
  /** The plan again, checking `pg.` ids against the PostgreSQL datasets discovered. */
  withPgIds(pgIds: ReadonlySet<string>): BuildPlan;
}

export async function planSqlBuilds(db: DuckDb, datasets: DatasetSources): Promise<SqlBuildPlan> {
  const failures = new Map<string, BuildFailure>();
  const refusals = new Map<string, { line?: number; reason: string }>();
  const inputs = new Map<string, SqlDatasetInput>();
  const nodes: SqlDatasetNode[] = [];
  const files = new Map<string, string>();
  const at = new Date().toISOString();
  for (const source of datasets.sources) {
    if (source.kind !== 'sql') continue;
    const file = source.files[0] ?? source.location;
    files.set(source.id, file);
    let read;
    try {
      read = await readSqlDataset(db, file);
    } catch (error) {
      const reason = `cannot be read: ${(error as Error).message}`;
      refusals.set(source.id, { reason });
      failures.set(source.id, { at, message: `${source.location}: ${reason}`, file });
      continue;
    }
    if (!read.check.ok) {
      const { line, reason } = read.check.refusal;
      refusals.set(source.id, { line, reason });
      failures.set(source.id, { at, message: `${source.location}:${line}: ${reason}`, file, line });
      continue;
    }
    inputs.set(source.id, {
      text: read.text,
      references: read.check.references,
      uses: read.check.uses,
      functions: read.check.functions,
    });
    nodes.push({ id: source.id, location: source.location, references: read.check.references });
  }
  const otherIds = new Set([
    ...datasets.sources.filter((s) => s.kind !== 'sql').map((s) => s.id),
    ...datasets.problems.map((p) => p.id),
  ]);
  // A refused SQL dataset is still a dataset: reading it fails as "cannot be built", not "unknown".
  const refused = new Map(
    [...refusals].map(([id, refusal]) => [
      id,
      {
        location: datasets.sources.find((s) => s.id === id)?.location ?? id,
        line: refusal.line ?? 1,
        reason: refusal.reason,
      },
    ]),
  );
  const plan = planSqlDatasets(nodes, otherIds, refused);
  for (const [id, failure] of plan.failures) {
    if (failures.has(id)) continue;
    failures.set(id, {
      at,
      message: `${failure.location}:${failure.line}: ${failure.reason}`,
      file: files.get(id) ?? failure.location,
      line: failure.line,
    });
  }
  return {
    order: plan.order,
    postgres: plan.postgres,
    inputs,
    failures,
    withDependents: (ids) => withDependents(ids, nodes),
    withPgIds: (pgIds) => planSqlDatasets(nodes, otherIds, refused, pgIds),
  };
}
