/**
 * One DatasetQueries over file datasets (DuckDB) and PostgreSQL datasets: ids of the pg source
 * go to PostgreSQL, every other id to the file queries, and the list is the union. Parquet and
 * Arrow exports of a pg page go through DuckDB (the page is bounded by the rows limit), so
 * both kinds of dataset export the same files.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CellValue } from '../../shared/api-types.js';
import type { Manifest } from '../cache-store.js';
import type { ReadyEntry } from '../catalog.js';
import type { DatasetQueries } from '../dataset-queries.js';
import type { DuckDb } from '../duckdb.js';
import { exportArrow, exportParquet } from '../export-rows.js';
import { sqlString, sqlTypeOf } from '../source-sql.js';
import { quoteIdent } from '../sql/identifiers.js';
import type { RowsQuery } from '../sql/query-types.js';
import type { PgQueries } from './pg-queries.js';
import type { PgDataset } from './pg-source.js';

export interface CombinedQueriesOptions {
  readonly files: DatasetQueries;
  readonly pg: PgQueries;
  /** For Parquet and Arrow exports of pg pages. */
  readonly db: DuckDb;
}

/**
 * The entry shape the rows route reads (version, updatedAt) for a pg dataset. Fields that only
 * mean something for a cached file dataset are neutral.
 */
function readyEntryOf(dataset: PgDataset): ReadyEntry {
  const location = `${dataset.relation.schema}.${dataset.relation.table}`;
  const manifest: Manifest = {
    formatVersion: 0,
    id: dataset.id,
    kind: 'postgres',
    location,
    sources: [],
    contentHash: dataset.version,
    settingsHash: '',
    parquetFile: '',
    analysisFile: '',
    columns: dataset.relation.columns.map((c) => ({
      name: c.name,
      type: c.type,
      nullable: !c.notNull,
    })),
    rows: dataset.estimatedRows ?? 0,
    parquetBytes: 0,
    builtAt: '',
    buildSeconds: 0,
    dashportVersion: '',
  };
  return {
    id: dataset.id,
    title: dataset.settings?.title ?? location,
    description: dataset.settings?.description,
    kind: 'postgres',
    location,
    files: [],
    settings: dataset.settings,
    state: 'ready',
    manifest,
    failure: undefined,
    stale: false,
    relation: location,
    version: dataset.version,
    updatedAt: dataset.updatedAt,
  };
}

async function exportPgPage(
  db: DuckDb,
  dataset: PgDataset,
  page: { columns: string[]; rows: CellValue[][] },
  format: 'parquet' | 'arrow',
): Promise<Uint8Array> {
  const file = path.join(
    os.tmpdir(),
    `dashport-pg-export-${process.pid}-${randomBytes(6).toString('hex')}.ndjson`,
  );
  const typeOf = new Map(dataset.relation.columns.map((c) => [c.name, c.type]));
  const lines = page.rows.map((row) =>
    JSON.stringify(Object.fromEntries(page.columns.map((name, i) => [name, row[i] ?? null]))),
  );
  await writeFile(file, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  try {
    const columns = page.columns
      .map((name) => `${sqlString(name)}: ${sqlString(sqlTypeOf(typeOf.get(name) ?? 'string'))}`)
      .join(', ');
    const projection = page.columns.map(quoteIdent).join(', ');
    const statement = {
      sql: `SELECT ${projection} FROM read_json(${sqlString(file)}, format = 'newline_delimited', columns = {${columns}})`,
      params: [],
    };
    return format === 'parquet'
      ? await exportParquet(db, statement)
      : await exportArrow(
          db,
          statement,
          new Map(page.columns.map((name) => [name, typeOf.get(name) ?? 'string'])),
        );
  } finally {
    await rm(file, { force: true });
  }
}

/** File datasets and pg datasets behind one DatasetQueries. */
export function createCombinedQueries(options: CombinedQueriesOptions): DatasetQueries {
  const { files, pg, db } = options;
  return {
    list() {
      return [...files.list(), ...pg.list()].sort((a, b) => a.id.localeCompare(b.id));
    },
    describe: (id) => (pg.has(id) ? pg.describe(id) : files.describe(id)),
    parseRows(id, raw) {
      if (!pg.has(id)) return files.parseRows(id, raw);
      const { dataset, query } = pg.parseRows(id, raw);
      return { entry: readyEntryOf(dataset), query };
    },
    rows: (id, raw, timings) =>
      pg.has(id) ? pg.rows(id, raw, timings) : files.rows(id, raw, timings),
    streamRows(id, query: RowsQuery) {
      if (!pg.has(id)) return files.streamRows(id, query);
      const { dataset } = pg.parseRows(id, {});
      const columns =
        query.select.length > 0 ? [...query.select] : dataset.relation.columns.map((c) => c.name);
      async function* chunks(): AsyncGenerator<CellValue[][]> {
        yield (await pg.fetchRows(id, query)).rows;
      }
      return { columns, chunks: chunks() };
    },
    async exportRows(id, query, format) {
      if (!pg.has(id)) return files.exportRows(id, query, format);
      const { dataset } = pg.parseRows(id, {});
      return exportPgPage(db, dataset, await pg.fetchRows(id, query), format);
    },
    aggregate: (id, raw, timings) =>
      pg.has(id) ? pg.aggregate(id, raw, timings) : files.aggregate(id, raw, timings),
    analysis: (id, kind) => (pg.has(id) ? pg.analysis(id, kind) : files.analysis(id, kind)),
    versionOf: (id) => (pg.has(id) ? pg.versionOf(id) : files.versionOf(id)),
  };
}
