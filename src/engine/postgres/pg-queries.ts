/**
 * The data API over PostgreSQL datasets: rows and aggregates pushed down to PostgreSQL through
 * the same query parsers and SQL builders as file datasets (dialect 'postgres'), analyses
 * computed in memory from a sample (refreshed in the background, last good kept), and the
 * one-transaction INSERT that ingestion uses. Results are cached under the dataset version.
 */
import { DashportError } from '../../errors.js';
import { createStaleWhileRevalidate } from '../../resilience/response-cache-swr.js';
import type {
  AggregateResponse,
  CellValue,
  ColumnInfo,
  CorrelationAnalysis,
  DatasetDetail,
  DatasetSummary,
  PcaAnalysis,
  ProfilesAnalysis,
  RowsResponse,
  SummaryAnalysis,
} from '../../shared/api-types.js';
import { toScalar } from '../cell.js';
import {
  ANALYSIS_SAMPLE_ROWS,
  type Analyses,
  DEFAULT_SAMPLES_PER_CLASS,
  applicableAnalysis,
} from '../compute-analyses.js';
import {
  type AnalysisKind,
  type QueryTimings,
  type ResultCache,
  resultKey,
} from '../dataset-queries.js';
import {
  aggregateBinEdges,
  buildAggregateSql,
  buildBinRangeSql,
} from '../sql/build-aggregate-sql.js';
import { buildRowsSql } from '../sql/build-rows-sql.js';
import { quoteIdent, quoteRelation } from '../sql/identifiers.js';
import { parseAggregateQuery } from '../sql/parse-aggregate-query.js';
import { parseRowsQuery } from '../sql/parse-rows-query.js';
import type {
  BoundValue,
  RawQuery,
  RowsQuery,
  SchemaColumn,
  SqlStatement,
} from '../sql/query-types.js';
import { aggregateResponse, aggregateRows, shapeAggregate } from '../sql/shape-aggregate.js';
import { isConnectionError, mapPgError, pgReason } from './pg-pool.js';
import type { PgDataset, PgSource } from './pg-source.js';
import { computeSampleAnalyses } from './sample-analyses.js';

/** Defaults with their units. */
export const PG_QUERIES_DEFAULTS = {
  /** Analyses older than this are recomputed in the background on their next read. */
  analysesFreshMs: 60_000,
  /** Bound parameters per INSERT statement (PostgreSQL's limit is 65,535). */
  insertParams: 60_000,
} as const;

export interface PgQueriesOptions {
  readonly source: PgSource;
  readonly cache?: ResultCache;
  readonly onQuery?: (dataset: string, ms: number) => void;
  readonly sampleRows?: number;
}

export interface PgRowsResult {
  readonly columns: string[];
  readonly rows: CellValue[][];
}

export interface PgQueries {
  has(id: string): boolean;
  list(): DatasetSummary[];
  describe(id: string): DatasetDetail;
  parseRows(id: string, raw: RawQuery): { dataset: PgDataset; query: RowsQuery };
  rows(id: string, raw: RawQuery, timings?: QueryTimings): Promise<RowsResponse>;
  /** The page of rows `query` asks for (streams and exports read it whole: pages are bounded). */
  fetchRows(id: string, query: RowsQuery): Promise<PgRowsResult>;
  aggregate(id: string, raw: RawQuery, timings?: QueryTimings): Promise<AggregateResponse>;
  analysis(
    id: string,
    kind: AnalysisKind,
  ): Promise<SummaryAnalysis | CorrelationAnalysis | PcaAnalysis | ProfilesAnalysis>;
  versionOf(id: string): string;
  /** Rows (cells in `columns` order, already validated) in one transaction; returns the count. */
  insert(
    id: string,
    columns: readonly string[],
    rows: readonly (readonly BoundValue[])[],
  ): Promise<number>;
  /** Failed background refreshes of analyses, for /health. */
  failures(): { dataset: string; message: string }[];
}

function schemaOf(dataset: PgDataset): SchemaColumn[] {
  return dataset.relation.columns.map((column) => ({ name: column.name, type: column.type }));
}

function tableOf(dataset: PgDataset): string[] {
  return [dataset.relation.schema, dataset.relation.table];
}

/** The queries of the datasets `source` offers. */
export function createPgQueries(options: PgQueriesOptions): PgQueries {
  const { source } = options;
  const sampleRows = options.sampleRows ?? ANALYSIS_SAMPLE_ROWS;
  const analyses = createStaleWhileRevalidate<Analyses>({
    freshMs: PG_QUERIES_DEFAULTS.analysesFreshMs,
  });
  const local = new Map<string, unknown>();
  const cache: ResultCache = options.cache ?? {
    async get(key) {
      return local.get(key);
    },
    async set(key, value) {
      if (local.size > 1000) local.clear();
      local.set(key, value);
    },
  };

  async function run(dataset: PgDataset, statement: SqlStatement, timings?: QueryTimings) {
    const started = performance.now();
    try {
      return await source.pool.query({
        text: statement.sql,
        values: [...statement.params],
        rowMode: 'array',
      });
    } catch (error) {
      if (isConnectionError(error)) source.markDown(error);
      throw mapPgError(error, dataset.id);
    } finally {
      const ms = performance.now() - started;
      if (timings) timings.dbMs += ms;
      options.onQuery?.(dataset.id, ms);
    }
  }

  async function cached<T>(
    key: string,
    timings: QueryTimings | undefined,
    compute: () => Promise<T>,
  ): Promise<T> {
    const hit = (await cache.get(key)) as T | undefined;
    if (hit !== undefined) {
      if (timings) timings.cached = true;
      return hit;
    }
    const value = await compute();
    await cache.set(key, value);
    return value;
  }

  async function loadAnalyses(dataset: PgDataset): Promise<Analyses> {
    const table = quoteRelation(tableOf(dataset));
    const counted = await run(dataset, { sql: `SELECT count(*) FROM ${table}`, params: [] });
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
    const sample = await run(dataset, { sql, params: [] });
    return computeSampleAnalyses({
      id: dataset.id,
      columns: schemaOf(dataset),
      rows: sample.rows as CellValue[][],
      totalRows: total,
      labelColumn: dataset.settings?.label_column,
      samplesPerClass: dataset.settings?.samples_per_class ?? DEFAULT_SAMPLES_PER_CLASS,
    });
  }

  const lastAnalyses = new Map<string, Analyses>();
  async function analysesOf(dataset: PgDataset): Promise<Analyses> {
    const read = await analyses.get(dataset.id, () => loadAnalyses(source.ready(dataset.id)));
    lastAnalyses.set(dataset.id, read.value);
    return read.value;
  }

  function summarize(dataset: PgDataset): DatasetSummary {
    const settings = dataset.settings;
    const reason = source.downReason();
    return {
      id: dataset.id,
      title: settings?.title ?? `${dataset.relation.schema}.${dataset.relation.table}`,
      ...(settings?.description === undefined ? {} : { description: settings.description }),
      source: {
        kind: 'postgres',
        location: `${dataset.relation.schema}.${dataset.relation.table}`,
      },
      rows: lastAnalyses.get(dataset.id)?.summary.rows ?? dataset.estimatedRows,
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

  const queries: PgQueries = {
    has: (id) => source.has(id),
    list() {
      return source.list().map(summarize);
    },
    describe(id) {
      const dataset = source.get(id);
      const summary = lastAnalyses.get(id)?.summary;
      // Statistics come from the sampled analyses; start computing them for the next call.
      if (summary === undefined && source.up()) void analysesOf(dataset).catch(() => undefined);
      const columns: ColumnInfo[] = dataset.relation.columns.map((column) => ({
        name: column.name,
        type: column.type,
        nullable: !column.notNull,
        stats: summary?.columns.find((c) => c.name === column.name)?.stats ?? null,
      }));
      return { ...summarize(dataset), columns, columnCount: columns.length };
    },
    parseRows(id, raw) {
      const dataset = source.ready(id);
      return { dataset, query: parseRowsQuery(raw, schemaOf(dataset)) };
    },
    async rows(id, raw, timings) {
      const { dataset, query } = queries.parseRows(id, raw);
      return cached(resultKey('rows', id, dataset.version, raw), timings, async () => {
        const result = await queries.fetchRows(id, query);
        return {
          columns: result.columns,
          rows: result.rows,
          limit: query.limit,
          offset: query.offset,
        };
      });
    },
    async fetchRows(id, query) {
      const dataset = source.ready(id);
      const statement = buildRowsSql(tableOf(dataset), query, schemaOf(dataset), 'postgres');
      const result = await run(dataset, statement);
      return {
        columns: result.fields.map((field) => field.name),
        rows: (result.rows as unknown[][]).map((row) =>
          row.map((cell) => toScalar(cell as CellValue)),
        ),
      };
    },
    async aggregate(id, raw, timings) {
      const dataset = source.ready(id);
      const schema = schemaOf(dataset);
      const query = parseAggregateQuery(raw, schema);
      const started = performance.now();
      const result = await cached(
        resultKey('aggregate', id, dataset.version, raw),
        timings,
        async () => {
          let edges: number[] | undefined;
          let binRange: { min: number; max: number } | undefined;
          if (query.bins !== undefined && query.x !== undefined) {
            const range = await run(
              dataset,
              buildBinRangeSql(tableOf(dataset), query, schema, 'postgres'),
              timings,
            );
            const [min, max] = (range.rows[0] ?? []) as (number | null)[];
            binRange = { min: min ?? 0, max: max ?? 0 };
            edges = aggregateBinEdges(query, binRange);
          }
          const statement = buildAggregateSql(
            tableOf(dataset),
            query,
            schema,
            'postgres',
            binRange === undefined ? {} : { binRange },
          );
          const rows = await run(dataset, statement, timings);
          const shaped = shapeAggregate(aggregateRows(rows.rows as CellValue[][]), query, edges);
          return shaped;
        },
      );
      return aggregateResponse(result, timings?.cached ?? false, started, performance.now());
    },
    async analysis(id, kind) {
      const dataset = source.ready(id);
      return applicableAnalysis(await analysesOf(dataset), kind);
    },
    versionOf(id) {
      return source.get(id).version;
    },
    async insert(id, columns, rows) {
      const dataset = source.ready(id);
      if (rows.length === 0) return 0;
      const types = columns.map((name) => {
        const column = dataset.relation.columns.find((c) => c.name === name);
        if (column === undefined) throw new TypeError(`insert: ${name} is not a column of ${id}`);
        return column.pgType;
      });
      const target = `${quoteRelation(tableOf(dataset))} (${columns.map(quoteIdent).join(', ')})`;
      const perStatement = Math.max(
        1,
        Math.floor(PG_QUERIES_DEFAULTS.insertParams / Math.max(1, columns.length)),
      );
      let client;
      try {
        client = await source.pool.connect();
      } catch (error) {
        if (isConnectionError(error)) source.markDown(error);
        throw mapPgError(error, id, 'body');
      }
      try {
        await client.query('BEGIN READ WRITE');
        for (let start = 0; start < rows.length; start += perStatement) {
          const chunk = rows.slice(start, start + perStatement);
          const values: BoundValue[] = [];
          // Each placeholder is cast to its column's own type (format_type from the catalog).
          const tuples = chunk.map((row) => {
            const cells = row.map((cell, j) => {
              values.push(cell);
              return `$${values.length}::${types[j] as string}`;
            });
            return `(${cells.join(', ')})`;
          });
          await client.query(`INSERT INTO ${target} VALUES ${tuples.join(', ')}`, values);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (isConnectionError(error)) source.markDown(error);
        throw insertError(error, id);
      } finally {
        client.release();
      }
      source.touch(id);
      return rows.length;
    },
    failures() {
      return analyses
        .failures()
        .map((failure) => ({ dataset: failure.key, message: failure.message }));
    },
  };
  return queries;
}

function insertError(error: unknown, id: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('23') || code.startsWith('22'))) {
    return new DashportError(
      'DASHPORT_ERR_BAD_BODY',
      `body: PostgreSQL rejected the batch for dataset "${id}", nothing was written: ${pgReason(error)}`,
      { parameter: 'body' },
    );
  }
  if (code === '42501' || code === '25006') {
    return new DashportError(
      'DASHPORT_ERR_WRITES_DISABLED',
      `dataset "${id}": PostgreSQL refused the insert (${pgReason(error)}); grant INSERT to the DATABASE_URL user`,
    );
  }
  return mapPgError(error, id, 'body');
}
