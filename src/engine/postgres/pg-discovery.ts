/**
 * Finds the tables and views of the configured schemas that we may SELECT from and describes
 * their columns. Each becomes the dataset `pg.<table>` (`pg.<schema>.<table>` when two
 * schemas hold a table of that name).
 */
import type pg from 'pg';
import type { ColumnType } from '../../shared/api-types.js';
import { datasetIdFromName } from '../discover.js';
import { columnTypeOfPg } from './pg-types.js';

export const PG_ID_PREFIX = 'pg.';

export interface PgColumn {
  readonly name: string;
  readonly type: ColumnType;
  /** `format_type()` of the column, used to cast ingested arrays. */
  readonly pgType: string;
  readonly notNull: boolean;
  readonly hasDefault: boolean;
}

export interface PgRelation {
  readonly id: string;
  readonly schema: string;
  readonly table: string;
  readonly kind: 'table' | 'view' | 'materialized view' | 'foreign table';
  readonly columns: readonly PgColumn[];
  /** pg_class.reltuples: the planner's estimate (−1 or 0 when never analysed). */
  readonly estimatedRows: number;
}

const KINDS: Readonly<Record<string, PgRelation['kind']>> = {
  r: 'table',
  p: 'table',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
};

// Domains are described by their base type so a `CREATE DOMAIN price AS numeric` is a float.
const DISCOVERY_SQL = `
SELECT n.nspname AS schema, c.relname AS table, c.relkind AS kind, c.reltuples AS estimated,
       a.attname AS column, format_type(a.atttypid, a.atttypmod) AS pg_type,
       coalesce(bt.typname, t.typname) AS typname, a.attnotnull AS not_null, a.atthasdef AS has_default
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
WHERE n.nspname = ANY($1::text[])
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND has_table_privilege(c.oid, 'SELECT')
ORDER BY n.nspname, c.relname, a.attnum`;

interface DiscoveryRow {
  readonly schema: string;
  readonly table: string;
  readonly kind: string;
  readonly estimated: number | null;
  readonly column: string;
  readonly pg_type: string;
  readonly typname: string;
  readonly not_null: boolean;
  readonly has_default: boolean;
}

/** Dataset ids for (schema, table) pairs: `pg.<table>`, schema-qualified only on a clash. */
export function pgDatasetIds(relations: readonly { schema: string; table: string }[]): string[] {
  const counts = new Map<string, number>();
  for (const relation of relations) {
    const base = datasetIdFromName(relation.table);
    counts.set(base, (counts.get(base) ?? 0) + 1);
  }
  return relations.map((relation) => {
    const base = datasetIdFromName(relation.table);
    return (counts.get(base) ?? 0) > 1
      ? `${PG_ID_PREFIX}${datasetIdFromName(relation.schema)}.${base}`
      : `${PG_ID_PREFIX}${base}`;
  });
}

/** Every readable table and view of `schemas`, with their columns. */
export async function discoverPgRelations(
  pool: pg.Pool,
  schemas: readonly string[],
): Promise<PgRelation[]> {
  const result = await pool.query<DiscoveryRow>(DISCOVERY_SQL, [[...schemas]]);
  const grouped = new Map<
    string,
    { schema: string; table: string; kind: string; estimated: number; columns: PgColumn[] }
  >();
  for (const row of result.rows) {
    const key = `${row.schema}\u0000${row.table}`;
    let relation = grouped.get(key);
    if (relation === undefined) {
      relation = {
        schema: row.schema,
        table: row.table,
        kind: row.kind,
        estimated: Number(row.estimated ?? -1),
        columns: [],
      };
      grouped.set(key, relation);
    }
    relation.columns.push({
      name: row.column,
      type: columnTypeOfPg(row.typname),
      pgType: row.pg_type,
      notNull: row.not_null,
      hasDefault: row.has_default,
    });
  }
  const relations = [...grouped.values()].filter(
    (relation) => datasetIdFromName(relation.table) !== '',
  );
  const ids = pgDatasetIds(relations);
  return relations.map((relation, index) => ({
    id: ids[index] as string,
    schema: relation.schema,
    table: relation.table,
    kind: KINDS[relation.kind] ?? 'table',
    columns: relation.columns,
    estimatedRows: relation.estimated,
  }));
}
