/**
 * The order SQL datasets are built in: each after the datasets it reads. A reference to an id
 * no dataset has, a cycle, or reading a SQL dataset that cannot be built fails that dataset
 * alone, with the file and the line of the reference (SPEC §10).
 *
 * Each SQL dataset also gets its engine: one reading PostgreSQL datasets (or SQL datasets that
 * do) runs in PostgreSQL, any other in DuckDB over the Parquet cache. One statement runs in
 * one engine, so a statement reading both kinds fails, naming the line of each (issue 11).
 */
import { PG_ID_PREFIX } from '../postgres/pg-discovery.js';

export interface SqlDatasetNode {
  readonly id: string;
  /** The `.sql` file, as shown to the operator (relative to the data dir). */
  readonly location: string;
  readonly references: readonly { readonly id: string; readonly line: number }[];
}

export interface GraphFailure {
  readonly location: string;
  readonly line: number;
  readonly reason: string;
}

export interface BuildPlan {
  /** DuckDB SQL dataset ids in an order where every one comes after the SQL datasets it reads. */
  readonly order: readonly string[];
  /** SQL datasets that run in PostgreSQL, in the same kind of order. */
  readonly postgres: readonly string[];
  /** SQL datasets that cannot be built, with where and why. */
  readonly failures: ReadonlyMap<string, GraphFailure>;
}

/**
 * Plans the build of `nodes` given the ids of every other file-side dataset (files, SQLite
 * tables). `refused` are SQL datasets already known not to build (a refused statement):
 * reading one fails too. `pgIds` are the PostgreSQL datasets when they are known (a server
 * after discovery); without them (the cache build, which does not connect) any `pg.` id no
 * other dataset has is taken to be one. Pure; ties are broken by id so the order is stable.
 */
export function planSqlDatasets(
  nodes: readonly SqlDatasetNode[],
  otherIds: ReadonlySet<string>,
  refused: ReadonlyMap<string, GraphFailure> = new Map(),
  pgIds?: ReadonlySet<string>,
): BuildPlan {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const failures = new Map<string, GraphFailure>(refused);
  const isPg = (id: string): boolean =>
    !byId.has(id) &&
    (pgIds === undefined ? id.startsWith(PG_ID_PREFIX) && !otherIds.has(id) : pgIds.has(id));

  for (const node of nodes) {
    const unknown = node.references.find(
      (ref) => !byId.has(ref.id) && !otherIds.has(ref.id) && !refused.has(ref.id) && !isPg(ref.id),
    );
    if (unknown !== undefined) {
      const known = [...otherIds, ...(pgIds ?? []), ...byId.keys(), ...refused.keys()]
        .filter((id) => id !== node.id)
        .sort();
      // `FROM noted_trends` for the id `noted-trends`: a dash needs quotes in SQL.
      const dashed = unknown.id.replace(/_/g, '-');
      const hint = known.includes(dashed)
        ? `; did you mean "${dashed}" (quoted, as it has a dash)?`
        : '';
      failures.set(node.id, {
        location: node.location,
        line: unknown.line,
        reason: `unknown dataset "${unknown.id}"${hint}; datasets are: ${known.join(', ') || '(none)'}`,
      });
    }
  }

  for (const cycle of findCycles(nodes, byId)) {
    const path = [...cycle, cycle[0] ?? ''].join(' → ');
    cycle.forEach((id, i) => {
      const node = byId.get(id);
      const next = cycle[(i + 1) % cycle.length];
      const ref = node?.references.find((r) => r.id === next);
      if (node === undefined || failures.has(id)) return;
      failures.set(id, {
        location: node.location,
        line: ref?.line ?? 1,
        reason: `dependency cycle: ${path}`,
      });
    });
  }

  // Kahn's algorithm over the SQL datasets; a dataset reading a failed one fails too.
  const order: string[] = [];
  const postgres: string[] = [];
  const engines = new Map<string, 'duckdb' | 'postgres'>();
  const placed = new Set<string>();
  const engineOf = (id: string) =>
    byId.has(id) ? engines.get(id) : isPg(id) ? 'postgres' : 'duckdb';
  const sqlDeps = (node: SqlDatasetNode) =>
    node.references.filter((ref) => byId.has(ref.id) || refused.has(ref.id));
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const node of [...nodes].sort((a, b) => a.id.localeCompare(b.id))) {
      if (placed.has(node.id) || failures.has(node.id)) continue;
      const failedDep = sqlDeps(node).find((ref) => failures.has(ref.id));
      if (failedDep !== undefined) {
        failures.set(node.id, {
          location: node.location,
          line: failedDep.line,
          reason: `reads "${failedDep.id}", which cannot be built (${failures.get(failedDep.id)?.location ?? failedDep.id}: ${failures.get(failedDep.id)?.reason ?? 'failed'})`,
        });
        progressed = true;
        continue;
      }
      if (sqlDeps(node).every((ref) => placed.has(ref.id))) {
        const mixed = mixedEngines(node, engineOf);
        if (mixed !== undefined) {
          failures.set(node.id, mixed);
          progressed = true;
          continue;
        }
        const engine = node.references.some((ref) => engineOf(ref.id) === 'postgres')
          ? 'postgres'
          : 'duckdb';
        engines.set(node.id, engine);
        (engine === 'postgres' ? postgres : order).push(node.id);
        placed.add(node.id);
        progressed = true;
      }
    }
  }
  for (const id of refused.keys()) failures.delete(id);
  return { order, postgres, failures };
}

/**
 * The failure of a statement that reads datasets of both engines, naming the first reference
 * of each; undefined when it reads one kind only. `engineOf` is the engine a reference is read
 * in (a SQL dataset's own, already placed).
 */
function mixedEngines(
  node: SqlDatasetNode,
  engineOf: (id: string) => 'duckdb' | 'postgres' | undefined,
): GraphFailure | undefined {
  const first = (engine: 'duckdb' | 'postgres') =>
    [...node.references].sort((a, b) => a.line - b.line).find((ref) => engineOf(ref.id) === engine);
  const file = first('duckdb');
  const pg = first('postgres');
  if (file === undefined || pg === undefined) return undefined;
  return {
    location: node.location,
    line: Math.max(file.line, pg.line),
    reason:
      `reads the file dataset "${file.id}" (line ${file.line}) and the PostgreSQL dataset "${pg.id}" (line ${pg.line}); ` +
      'one statement runs in one engine (DuckDB over the cache, or PostgreSQL), so a SQL dataset reads file datasets or PostgreSQL datasets, not both',
  };
}

/** The cycles of the graph (Tarjan's strongly connected components with more than one node, or a self-reference). */
function findCycles(
  nodes: readonly SqlDatasetNode[],
  byId: ReadonlyMap<string, SqlDatasetNode>,
): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowLinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];

  const connect = (id: string): void => {
    indices.set(id, index);
    lowLinks.set(id, index);
    index += 1;
    stack.push(id);
    onStack.add(id);
    for (const ref of byId.get(id)?.references ?? []) {
      if (!byId.has(ref.id)) continue;
      if (!indices.has(ref.id)) {
        connect(ref.id);
        lowLinks.set(id, Math.min(lowLinks.get(id) ?? 0, lowLinks.get(ref.id) ?? 0));
      } else if (onStack.has(ref.id)) {
        lowLinks.set(id, Math.min(lowLinks.get(id) ?? 0, indices.get(ref.id) ?? 0));
      }
    }
    if (lowLinks.get(id) !== indices.get(id)) return;
    const component: string[] = [];
    for (;;) {
      const member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
      if (member === id) break;
    }
    const selfLoop = byId.get(id)?.references.some((ref) => ref.id === id) ?? false;
    if (component.length > 1 || selfLoop) cycles.push(orderCycle(component.reverse(), byId));
  };

  for (const node of [...nodes].sort((a, b) => a.id.localeCompare(b.id))) {
    if (!indices.has(node.id)) connect(node.id);
  }
  return cycles;
}

/** The members of a component as a walk along references, starting at the smallest id, for a readable `a → b → a`. */
function orderCycle(component: string[], byId: ReadonlyMap<string, SqlDatasetNode>): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0] ?? '';
  const walk = [start];
  let current = start;
  for (;;) {
    const next = byId
      .get(current)
      ?.references.map((ref) => ref.id)
      .find((id) => members.has(id) && !walk.includes(id));
    if (next === undefined) break;
    walk.push(next);
    current = next;
  }
  // A component whose walk does not reach every member still fails every member; list them all.
  return walk.length === component.length
    ? walk
    : [...walk, ...component.filter((id) => !walk.includes(id))];
}

/** `ids` and every SQL dataset that reads one of them, directly or through another. */
export function withDependents(
  ids: readonly string[],
  nodes: readonly SqlDatasetNode[],
): Set<string> {
  const result = new Set(ids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const node of nodes) {
      if (!result.has(node.id) && node.references.some((ref) => result.has(ref.id))) {
        result.add(node.id);
        grew = true;
      }
    }
  }
  return result;
}
