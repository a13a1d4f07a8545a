/**
 * The analyses of PostgreSQL datasets: computed in memory from a repeatable sample of the rows
 * (their data never goes through DuckDB), refreshed in the background once stale, the last
 * good ones kept when a refresh fails.
 */
import { createStaleWhileRevalidate } from '../../resilience/response-cache-swr.js';
import {
  ANALYSIS_SAMPLE_ROWS,
  type Analyses,
  DEFAULT_SAMPLES_PER_CLASS,
} from '../compute-analyses.js';
import { quoteIdent, quoteRelation } from '../sql/identifiers.js';
import { pgRunner } from './pg-runner.js';
import type { PgDataset, PgSource } from './pg-source.js';
import { computeSampleAnalyses } from './sample-analyses.js';

/** Analyses older than this are recomputed in the background on their next read. */
export const PG_ANALYSES_FRESH_MS = 60_000;

export interface PgAnalysesOptions {
  readonly source: PgSource;
  /** Rows sampled per dataset. */
  readonly sampleRows?: number;
}

export interface PgAnalyses {
  get(dataset: PgDataset): Promise<Analyses>;
  /** The analyses last computed for `id`, without waiting (describe and list show them). */
  last(id: string): Analyses | undefined;
}

export function createPgAnalyses(options: PgAnalysesOptions): PgAnalyses {
  const { source } = options;
  const sampleRows = options.sampleRows ?? ANALYSIS_SAMPLE_ROWS;
  const analyses = createStaleWhileRevalidate<Analyses>({ freshMs: PG_ANALYSES_FRESH_MS });
  const lastAnalyses = new Map<string, Analyses>();

  async function load(dataset: PgDataset): Promise<Analyses> {
    const runner = pgRunner(source, dataset.id);
    const table = quoteRelation([dataset.relation.schema, dataset.relation.table]);
    const counted = await runner.query({ sql: `SELECT count(*) FROM ${table}`, params: [] });
    const total = Number(counted.rows[0]?.[0] ?? 0);
    const columns = dataset.relation.columns.map((column) => quoteIdent(column.name)).join(', ');
    let sql = `SELECT ${columns} FROM ${table}`;
    if (total > sampleRows) {
      // BERNOULLI with a fixed seed: a repeatable sample of about the wanted size (tables only).
      const percent = Math.min(100, (100 * sampleRows * 1.2) / total);
      sql =
        dataset.relation.kind === 'table' || dataset.relation.kind === 'materialized view'
          ? `${sql} TABLESAMPLE BERNOULLI (${percent.toFixed(6)}) REPEATABLE (42) LIMIT ${sampleRows}`
          : `${sql} LIMIT ${sampleRows}`;
    }
    const sample = await runner.query({ sql, params: [] });
    return computeSampleAnalyses({
      id: dataset.id,
      columns: dataset.relation.columns.map((column) => ({ name: column.name, type: column.type })),
      rows: sample.rows,
      totalRows: total,
      labelColumn: dataset.settings?.label_column,
      samplesPerClass: dataset.settings?.samples_per_class ?? DEFAULT_SAMPLES_PER_CLASS,
    });
  }

  return {
    async get(dataset) {
      const read = await analyses.get(dataset.id, () => load(source.ready(dataset.id)));
      lastAnalyses.set(dataset.id, read.value);
      return read.value;
    },
    last: (id) => lastAnalyses.get(id),
  };
}
