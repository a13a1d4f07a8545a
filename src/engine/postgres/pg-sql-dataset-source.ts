/**
 * SQL datasets over PostgreSQL datasets as a DatasetSource (issue 11). The cache does not build
 * them: their SELECT runs in PostgreSQL, as the derived table every query of the dataset reads
 * (`FROM (<the statement, dataset names replaced by their relations>) AS "dataset"`), through
 * the same builders as a PostgreSQL table, so viewer values stay bound parameters. Each query
 * runs in a READ ONLY transaction that is rolled back (pg-read-only-runner.ts), under the
 * pool's statement timeout. Columns and types come from PostgreSQL itself (pg-sql-prepare.ts)
 * once the PostgreSQL datasets are discovered; an unknown id or an error PostgreSQL reports
 * fails that dataset alone, with the file and line, in the log and in its description. The
 * `.sql` files and the PostgreSQL dataset list are checked at every poll: a change prepares
 * them again.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { NotFoundError, UnavailableError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { createStaleWhileRevalidate } from '../../resilience/response-cache-swr.js';
import type { ColumnInfo, DatasetSummary } from '../../shared/api-types.js';
import {
  ANALYSIS_SAMPLE_ROWS,
  type Analyses,
  DEFAULT_SAMPLES_PER_CLASS,
} from '../compute-analyses.js';
import type { DatasetSettings } from '../dataset-settings.js';
import type { DuckDb } from '../duckdb.js';
import { loadDatasetSources } from '../load-datasets.js';
import type { DatasetSource, ServedDataset } from '../sources/dataset-source.js';
import type { SqlDatasetInput } from '../sql-datasets/build-sql-dataset.js';
import { planSqlBuilds } from '../sql-datasets/plan-sql-builds.js';
import { quoteIdent, quoteRelation, subquery } from '../sql/identifiers.js';
import { pgAnswers } from './pg-answers.js';
import { isConnectionError, pgReason } from './pg-pool.js';
import { pgReadOnlyRunner } from './pg-read-only-runner.js';
import { PG_SOURCE_DEFAULTS, type PgSource } from './pg-source.js';
import { refusedServerFunction } from './pg-server-functions.js';
import { preparePgSql } from './pg-sql-prepare.js';
import { computeSampleAnalyses } from './sample-analyses.js';

export interface PgSqlDatasetSourceOptions {
  readonly source: PgSource;
  /** Parses the statements (DuckDB's parser) and writes exports. */
  readonly db: DuckDb;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly pollIntervalMs?: number;
  readonly sampleRows?: number;
}

export interface PgSqlDatasetSource extends DatasetSource {
  /** Read the `.sql` files and prepare them (after the PostgreSQL source started). */
  start(): Promise<void>;
  /** Prepare again if a `.sql` file, the PostgreSQL dataset list or the outage state changed. */
  refresh(): Promise<void>;
  close(): void;
  /** The datasets that failed, for /health (file and line as the cache's failures give them). */
  failures(): { id: string; message: string; file: string; line: number }[];
}

interface Entry {
  readonly id: string;
  /** The `.sql` file as shown to the operator, and its path. */
  readonly location: string;
  readonly file: string;
  readonly settings: DatasetSettings | undefined;
  readonly input: SqlDatasetInput;
  readonly mtime: Date | undefined;
  /** ready: prepared; broken: refused with `failure`; waiting: PostgreSQL was unreachable. */
  state: 'ready' | 'broken' | 'waiting';
  failure: { readonly message: string; readonly line: number } | undefined;
  select: string | undefined;
  columns: readonly ColumnInfo[];
}

export function createPgSqlDatasetSource(options: PgSqlDatasetSourceOptions): PgSqlDatasetSource {
  const { source, db, logger } = options;
  const sampleRows = options.sampleRows ?? ANALYSIS_SAMPLE_ROWS;
  let entries = new Map<string, Entry>();
  let stateKey = '';
  let timer: NodeJS.Timeout | undefined;
  let loading: Promise<void> | undefined;
  const analyses = createStaleWhileRevalidate<Analyses>({ freshMs: 60_000 });
  const lastAnalyses = new Map<string, Analyses>();

  const get = (id: string): Entry => {
    const entry = entries.get(id);
    if (entry !== undefined) return entry;
    throw new NotFoundError(
      'DASHPORT_ERR_DATASET_NOT_FOUND',
      `unknown dataset "${id}"; SQL datasets over PostgreSQL are: ${[...entries.keys()].sort().join(', ') || '(none)'}`,
    );
  };

  /** What a change of makes the datasets prepare again: the files, the pg ids, the outage. */
  async function currentKey(files: readonly string[]): Promise<string> {
    const stats = await Promise.all(
      files.map((file) =>
        stat(file).then(
          (info) => `${file}:${info.size}:${info.mtimeMs}`,
          () => `${file}:missing`,
        ),
      ),
    );
    const ids = source
      .list()
      .map((dataset) => dataset.id)
      .join(',');
    return `${stats.join('|')}#${ids}#${source.up() ? 'up' : 'down'}`;
  }

  function relationOf(id: string): string {
    const sql = entries.get(id);
    if (sql?.select !== undefined) return subquery(sql.select);
    const { relation } = source.get(id);
    return quoteRelation([relation.schema, relation.table]);
  }

  async function load(): Promise<void> {
    const datasets = await loadDatasetSources(options.dataDir);
    const plan = await planSqlBuilds(db, datasets);
    const pgIds = new Set(source.list().map((dataset) => dataset.id));
    const replanned = plan.withPgIds(pgIds);
    const next = new Map<string, Entry>();
    // The owned ones are those the cache leaves to PostgreSQL, whatever the discovery says.
    for (const id of [...plan.postgres]) {
      const found = datasets.sources.find((s) => s.id === id);
      const input = plan.inputs.get(id);
      if (found === undefined || input === undefined) continue;
      const file = found.files[0] ?? found.location;
      const mtime = await stat(file).then(
        (info) => info.mtime,
        () => undefined,
      );
      next.set(id, {
        id,
        location: found.location,
        file,
        settings: datasets.settings[id],
        input,
        mtime,
        state: 'waiting',
        failure: undefined,
        select: undefined,
        columns: [],
      });
    }
    stateKey = await currentKey([...next.values()].map((entry) => entry.file));
    const previous = entries;
    entries = next;
    for (const [id, failure] of replanned.failures) {
      const entry = next.get(id);
      if (entry === undefined) continue;
      entry.state = 'broken';
      entry.failure = {
        message: `${failure.location}:${failure.line}: ${failure.reason}`,
        line: failure.line,
      };
    }
    for (const id of replanned.postgres) {
      const entry = next.get(id);
      if (entry === undefined) continue;
      const failedDep = entry.input.references.find((ref) => next.get(ref.id)?.state === 'broken');
      if (failedDep !== undefined) {
        entry.state = 'broken';
        entry.failure = {
          message: `${entry.location}:${failedDep.line}: reads "${failedDep.id}", which cannot be prepared (${next.get(failedDep.id)?.failure?.message ?? 'failed'})`,
          line: failedDep.line,
        };
        continue;
      }
      const refused = refusedServerFunction(entry.input.functions);
      if (refused !== undefined) {
        entry.state = 'broken';
        entry.failure = {
          message: `${entry.location}:${refused.line}: ${refused.reason}`,
          line: refused.line,
        };
        continue;
      }
      // Prepared after what it reads; what is unreachable now is tried at the next change.
      const waiting = entry.input.references.some((ref) => next.get(ref.id)?.state === 'waiting');
      if (!source.up() || waiting) continue;
      try {
        const prepared = await preparePgSql(source.pool, {
          text: entry.input.text,
          uses: entry.input.uses,
          relationOf,
        });
        if (prepared.ok) {
          entry.state = 'ready';
          entry.select = prepared.select;
          entry.columns = prepared.columns;
        } else {
          entry.state = 'broken';
          entry.failure = {
            message: `${entry.location}:${prepared.line}: ${prepared.reason}`,
            line: prepared.line,
          };
        }
      } catch (error) {
        if (isConnectionError(error)) source.markDown(error);
        else {
          entry.state = 'broken';
          entry.failure = { message: `${entry.location}: ${pgReason(error)}`, line: 1 };
        }
      }
    }
    for (const entry of next.values()) {
      const before = previous.get(entry.id);
      if (entry.failure !== undefined && entry.failure.message !== before?.failure?.message) {
        logger.error(
          { dataset: entry.id, file: entry.file, line: entry.failure.line },
          `dataset ${entry.id} failed: ${entry.failure.message}`,
        );
      }
    }
  }

  function reload(): Promise<void> {
    loading ??= load()
      .catch((error: unknown) =>
        logger.warn({ err: pgReason(error) }, 'SQL datasets over PostgreSQL could not be read'),
      )
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  function versionOf(id: string): string {
    const entry = get(id);
    const hash = createHash('sha256')
      .update(entry.input.text)
      .update(entry.select ?? '');
    for (const ref of [...entry.input.references].sort((a, b) => a.id.localeCompare(b.id))) {
      const upstream = entries.has(ref.id)
        ? versionOf(ref.id)
        : source.has(ref.id)
          ? source.get(ref.id).version
          : 'missing';
      hash.update(`\0${ref.id}\0${upstream}`);
    }
    return `pgsql-${hash.digest('hex').slice(0, 20)}`;
  }

  function updatedAtOf(id: string): Date | undefined {
    const entry = get(id);
    const times = [entry.mtime?.getTime() ?? 0];
    for (const ref of entry.input.references) {
      const upstream = entries.has(ref.id)
        ? updatedAtOf(ref.id)
        : source.has(ref.id)
          ? source.get(ref.id).updatedAt
          : undefined;
      times.push(upstream?.getTime() ?? 0);
    }
    const newest = Math.max(...times);
    return newest > 0 ? new Date(newest) : undefined;
  }

  function summarize(entry: Entry): DatasetSummary {
    const settings = entry.settings;
    const down = source.downReason();
    const error =
      entry.failure?.message ??
      (down === undefined ? undefined : `PostgreSQL cannot be reached (${down})`);
    return {
      id: entry.id,
      title: settings?.title ?? entry.id,
      ...(settings?.description === undefined ? {} : { description: settings.description }),
      source: { kind: 'sql', location: entry.location },
      rows: lastAnalyses.get(entry.id)?.summary.rows ?? null,
      columns: entry.state === 'ready' ? entry.columns.length : null,
      cached: false,
      live: false,
      updatedAt: updatedAtOf(entry.id)?.toISOString() ?? null,
      state:
        entry.state === 'broken'
          ? 'broken'
          : down !== undefined
            ? 'unavailable'
            : entry.state === 'ready'
              ? 'ready'
              : 'pending',
      ...(settings?.time_column === undefined ? {} : { timeColumn: settings.time_column }),
      ...(settings?.label_column === undefined ? {} : { labelColumn: settings.label_column }),
      ...(error === undefined ? {} : { error }),
    };
  }

  function ready(id: string): ServedDataset {
    const entry = get(id);
    if (entry.state === 'broken') {
      throw new UnavailableError(
        'DASHPORT_ERR_DATASET_BROKEN',
        `dataset "${id}" cannot be read: ${entry.failure?.message ?? 'unknown error'}`,
        60,
      );
    }
    // Down: the PostgreSQL source's 503 with the reason.
    for (const ref of entry.input.references) if (!entries.has(ref.id)) source.ready(ref.id);
    if (entry.state !== 'ready' || entry.select === undefined) {
      throw new UnavailableError(
        'DASHPORT_ERR_DATASET_NOT_READY',
        `dataset "${id}" is still being prepared; retry shortly`,
        5,
      );
    }
    return {
      id,
      version: versionOf(id),
      updatedAt: updatedAtOf(id),
      columns: entry.columns,
      relation: { select: entry.select },
    };
  }

  async function sampleAnalyses(id: string): Promise<Analyses> {
    const dataset = ready(id);
    const runner = pgReadOnlyRunner(source, id);
    const from = quoteRelation(dataset.relation);
    const counted = await runner.query({ sql: `SELECT count(*) FROM ${from}`, params: [] });
    const total = Number(counted.rows[0]?.[0] ?? 0);
    const columns = dataset.columns.map((column) => quoteIdent(column.name)).join(', ');
    // No TABLESAMPLE on a derived table: the first rows, as for a PostgreSQL view.
    const sample = await runner.query({
      sql: `SELECT ${columns} FROM ${from} LIMIT ${sampleRows}`,
      params: [],
    });
    const settings = get(id).settings;
    return computeSampleAnalyses({
      id,
      columns: dataset.columns.map((column) => ({ name: column.name, type: column.type })),
      rows: sample.rows,
      totalRows: total,
      labelColumn: settings?.label_column,
      samplesPerClass: settings?.samples_per_class ?? DEFAULT_SAMPLES_PER_CLASS,
    });
  }

  const pgSql: PgSqlDatasetSource = {
    kind: 'postgres-sql',
    async start() {
      await reload();
      timer = setInterval(
        () => void pgSql.refresh(),
        options.pollIntervalMs ?? PG_SOURCE_DEFAULTS.pollIntervalMs,
      );
      timer.unref();
    },
    async refresh() {
      const key = await currentKey([...entries.values()].map((entry) => entry.file));
      if (key !== stateKey) await reload();
    },
    close() {
      if (timer !== undefined) clearInterval(timer);
    },
    failures() {
      return [...entries.values()].flatMap((entry) =>
        entry.failure === undefined
          ? []
          : [
              {
                id: entry.id,
                message: entry.failure.message,
                file: entry.file,
                line: entry.failure.line,
              },
            ],
      );
    },
    has: (id) => entries.has(id),
    list: () => [...entries.values()].map(summarize),
    describe(id) {
      const entry = get(id);
      const summary = lastAnalyses.get(id)?.summary;
      const columns = entry.columns.map((column) => ({
        ...column,
        stats: summary?.columns.find((c) => c.name === column.name)?.stats ?? null,
      }));
      if (summary === undefined && entry.state === 'ready' && source.up()) {
        void pgSql.analyses(ready(id)).catch(() => undefined);
      }
      return { ...summarize(entry), columns, columnCount: columns.length };
    },
    versionOf,
    updatedAtOf,
    ready,
    ...pgAnswers(db, (id) => pgReadOnlyRunner(source, id)),
    async analyses(dataset) {
      const read = await analyses.get(dataset.id, () => sampleAnalyses(dataset.id));
      lastAnalyses.set(dataset.id, read.value);
      return read.value;
    },
  };
  return pgSql;
}
