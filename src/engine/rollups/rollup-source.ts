/**
 * A DatasetSource that answers, from a dataset's rollups, every aggregate one of them covers
 * exactly (the smallest such rollup), and hands everything else to the source it wraps. A
 * rollup is used only while the dataset is at the version it was built from, so changed data
 * or live rows fall back to the base table until the next build.
 */
import { toScalar } from '../cell.js';
import type { DuckDb } from '../duckdb.js';
import type { DatasetSource, ServedDataset } from '../sources/dataset-source.js';
import { isFoldable } from '../sql/build-aggregate-sql.js';
import { quoteIdent } from '../sql/identifiers.js';
import type { AggregateQuery, SqlStatement } from '../sql/query-types.js';
import { type ShapedAggregate, aggregateRows, shapeAggregate } from '../sql/shape-aggregate.js';
import { datasetCacheDir } from '../cache-store.js';
import type { RollupSpec } from './rollup-spec.js';
import {
  buildRollupAggregateSql,
  buildRollupTopGroupsSql,
  smallestCovering,
} from './rollup-sql.js';
import { readRollupList } from './rollup-store.js';
import path from 'node:path';
import { sqlString } from '../source-sql.js';

export interface RollupSourceOptions {
  readonly inner: DatasetSource;
  readonly db: DuckDb;
  readonly cacheDir: string;
  /** Told whether each aggregate was answered from a rollup. */
  readonly onLookup?: (dataset: string, outcome: 'hit' | 'miss') => void;
}

interface LoadedRollup {
  readonly spec: RollupSpec;
  readonly rows: number;
  readonly relation: string;
}

interface Loaded {
  readonly version: string | undefined;
  readonly rollups: readonly LoadedRollup[];
  readonly checkedAt: number;
}

/** How long "no rollups for this version" is believed before the list is read again. */
const RECHECK_MS = 5_000;

export function createRollupSource(options: RollupSourceOptions): DatasetSource {
  const { inner, db, cacheDir } = options;
  const loaded = new Map<string, Promise<Loaded>>();
  let viewCounter = 0;

  async function load(dataset: ServedDataset): Promise<Loaded> {
    const list = await readRollupList(cacheDir, dataset.id);
    if (list === undefined || list.version !== dataset.version)
      return { version: list?.version, rollups: [], checkedAt: Date.now() };
    const rollups: LoadedRollup[] = [];
    for (const rollup of list.rollups) {
      const relation = `rollup_${++viewCounter}`;
      const file = path.join(datasetCacheDir(cacheDir, dataset.id), rollup.file);
      await db.run(
        `CREATE OR REPLACE VIEW ${quoteIdent(relation)} AS SELECT * FROM read_parquet(${sqlString(file)})`,
      );
      rollups.push({ spec: rollup.spec, rows: rollup.rows, relation });
    }
    return { version: list.version, rollups, checkedAt: Date.now() };
  }

  async function rollupsOf(dataset: ServedDataset): Promise<readonly LoadedRollup[]> {
    const current = loaded.get(dataset.id);
    if (current !== undefined) {
      const value = await current;
      const recent = Date.now() - value.checkedAt < RECHECK_MS;
      // Found rollups hold for their version; "none" is believed for a few seconds, since
      // the build writes a dataset's rollups just after committing the dataset.
      if (value.version === dataset.version && (value.rollups.length > 0 || recent))
        return value.rollups;
      if (recent) return [];
    }
    const next = load(dataset);
    loaded.set(dataset.id, next);
    // A failed read is retried on the next query, not remembered.
    next.catch(() => loaded.delete(dataset.id));
    const value = await next;
    return value.version === dataset.version ? value.rollups : [];
  }

  async function run(statement: SqlStatement) {
    const result = await db.query(statement.sql, statement.params);
    return result.rows.map((row) => row.map(toScalar));
  }

  async function fromRollup(
    rollup: LoadedRollup,
    dataset: ServedDataset,
    query: AggregateQuery,
  ): Promise<ShapedAggregate> {
    let topGroups: string[] | undefined;
    if (query.group !== undefined && !isFoldable(query)) {
      const top = await run(
        buildRollupTopGroupsSql(rollup.relation, rollup.spec, query, dataset.columns),
      );
      topGroups = top.map((row) => String(row[0] ?? null)).slice(0, query.top);
    }
    const rows = await run(
      buildRollupAggregateSql(rollup.relation, rollup.spec, query, dataset.columns, topGroups),
    );
    return shapeAggregate(aggregateRows(rows), query, undefined);
  }

  return {
    ...inner,
    async aggregate(dataset, query) {
      const rollup = smallestCovering(await rollupsOf(dataset), query, dataset.columns);
      options.onLookup?.(dataset.id, rollup === undefined ? 'miss' : 'hit');
      return rollup === undefined
        ? inner.aggregate(dataset, query)
        : fromRollup(rollup, dataset, query);
    },
  };
}
