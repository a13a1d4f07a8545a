/**
 * PostgreSQL tables and views as a DatasetSource: rows and aggregates pushed down to
 * PostgreSQL through the same builders as file datasets (dialect 'postgres'), analyses from a
 * sample (pg-analyses.ts), Parquet and Arrow exports of a page through DuckDB. The pool,
 * discovery, the outage state and change detection are the PgSource's (pg-source.ts).
 */
import type { ColumnInfo, DatasetSummary } from '../../shared/api-types.js';
import type { DuckDb } from '../duckdb.js';
import type { DatasetSource, ServedDataset } from '../sources/dataset-source.js';
import { pgAnswers } from './pg-answers.js';
import { type PgAnalyses, createPgAnalyses } from './pg-analyses.js';
import { pgRunner } from './pg-runner.js';
import type { PgDataset, PgSource } from './pg-source.js';

export interface PgDatasetSourceOptions {
  readonly source: PgSource;
  /** Writes the Parquet and Arrow exports of fetched pages. */
  readonly db: DuckDb;
  /** Rows sampled for the analyses. */
  readonly sampleRows?: number;
}

function columnsOf(dataset: PgDataset, analyses: PgAnalyses): ColumnInfo[] {
  const summary = analyses.last(dataset.id)?.summary;
  return dataset.relation.columns.map((column) => ({
    name: column.name,
    type: column.type,
    nullable: !column.notNull,
    stats: summary?.columns.find((c) => c.name === column.name)?.stats ?? null,
  }));
}

export function createPgDatasetSource(options: PgDatasetSourceOptions): DatasetSource {
  const { source, db } = options;
  const analyses = createPgAnalyses({
    source,
    ...(options.sampleRows === undefined ? {} : { sampleRows: options.sampleRows }),
  });

  function summarize(dataset: PgDataset): DatasetSummary {
    const settings = dataset.settings;
    const reason = source.downReason();
    const location = `${dataset.relation.schema}.${dataset.relation.table}`;
    return {
      id: dataset.id,
      title: settings?.title ?? location,
      ...(settings?.description === undefined ? {} : { description: settings.description }),
      source: { kind: 'postgres', location },
      rows: analyses.last(dataset.id)?.summary.rows ?? dataset.estimatedRows,
      columns: dataset.relation.columns.length,
      cached: false,
      live: settings?.live ?? false,
      updatedAt: dataset.updatedAt?.toISOString() ?? null,
      state: reason === undefined ? 'ready' : 'unavailable',
      ...(settings?.time_column === undefined ? {} : { timeColumn: settings.time_column }),
      ...(settings?.label_column === undefined ? {} : { labelColumn: settings.label_column }),
      ...(reason === undefined ? {} : { error: `PostgreSQL cannot be reached (${reason})` }),
    };
  }

  const pgSource: DatasetSource = {
    kind: 'postgres',
    has: (id) => source.has(id),
    list() {
      return source.list().map(summarize);
    },
    describe(id) {
      const dataset = source.get(id);
      // Statistics come from the sampled analyses; start computing them for the next call.
      if (analyses.last(id) === undefined && source.up()) {
        void analyses.get(dataset).catch(() => undefined);
      }
      const columns = columnsOf(dataset, analyses);
      return { ...summarize(dataset), columns, columnCount: columns.length };
    },
    versionOf(id) {
      return source.get(id).version;
    },
    updatedAtOf(id) {
      return source.get(id).updatedAt;
    },
    ready(id): ServedDataset {
      const dataset = source.ready(id);
      return {
        id,
        version: dataset.version,
        updatedAt: dataset.updatedAt,
        columns: dataset.relation.columns.map((column) => ({
          name: column.name,
          type: column.type,
          nullable: !column.notNull,
        })),
        relation: [dataset.relation.schema, dataset.relation.table],
      };
    },
    ...pgAnswers(db, (id) => pgRunner(source, id)),
    analyses: (dataset) => analyses.get(source.ready(dataset.id)),
  };
  return pgSource;
}
