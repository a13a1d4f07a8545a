/**
 * A file dataset's sources → one typed Parquet file (snappy, quick to read back), its
 * analyses and a new manifest, committed in that order so a crash never leaves a manifest
 * pointing at missing files; or a recorded failure naming file, line and reason.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataError } from '../errors.js';
import type { ColumnInfo } from '../shared/api-types.js';
import type { BuildContext, BuildOutcome } from './build-dataset.js';
import {
  type Manifest,
  MANIFEST_FORMAT_VERSION,
  type SourceFileState,
  clearFailure,
  datasetCacheDir,
  sweepDatasetDir,
  temporaryPath,
  writeFailure,
  writeFileAtomic,
  writeManifest,
} from './cache-store.js';
import { DEFAULT_SAMPLES_PER_CLASS, computeAnalyses } from './compute-analyses.js';
import type { DatasetSettings } from './dataset-settings.js';
import type { FileSource } from './discover.js';
import type { DuckDb } from './duckdb.js';
import {
  assertNoRejects,
  describeFailure,
  locateNdjsonFailure,
  locateSnifferFailure,
} from './locate-failure.js';
import { castExpression, columnTypeOf, readerSql, sqlString, sqlTypeOf } from './source-sql.js';
import { quoteIdent } from './sql/identifiers.js';
import { stageSqliteTable } from './sqlite-source.js';

export interface ConvertInputs {
  readonly previous: Manifest | undefined;
  readonly files: SourceFileState[];
  readonly wantedSettings: string;
  readonly hashing: Promise<string>;
  /** SQL datasets: writes the statement's rows to a Parquet file (sql-datasets/stage-sql-dataset.ts). */
  readonly stageSql?: (target: string) => Promise<void>;
}

/** Source → Parquet → analyses → manifest, or a recorded failure. */
export async function convertSource(
  source: FileSource,
  settings: DatasetSettings | undefined,
  context: BuildContext,
  inputs: ConvertInputs,
): Promise<BuildOutcome> {
  const { cacheDir, db } = context;
  const { previous, files, wantedSettings } = inputs;
  const started = performance.now();
  const dir = datasetCacheDir(cacheDir, source.id);
  await mkdir(dir, { recursive: true });
  // Named after the content once the hash is known; written under a temporary name until then.
  const temporaryParquet = temporaryPath(path.join(dir, 'data.parquet'));
  let contentHash: string | undefined;
  let stagedCsv: string | undefined;
  let stagedParquet: string | undefined;
  const rejectTables = {
    table: `rejects_${process.pid}_${++rejectCounter}`,
    scan: `rejects_scan_${process.pid}_${rejectCounter}`,
  };
  try {
    context.onPhase?.('converting');
    let reader: string;
    if (source.kind === 'sqlite') {
      if (source.table === undefined) throw new DataError(`${source.location}: no table named`);
      stagedCsv = path.join(os.tmpdir(), `dashport-sqlite-${process.pid}-${Date.now()}.csv`);
      const staged = await stageSqliteTable(source.files[0] ?? '', source.table, stagedCsv);
      const types = staged.columns
        .map((column) => `${sqlString(column.name)}: ${sqlString(sqlTypeOf(column.type))}`)
        .join(', ');
      reader = `read_csv(${sqlString(stagedCsv)}, header = true, columns = {${types}}, allow_quoted_nulls = false, auto_detect = false, delim = ',', quote = '"', escape = '"')`;
    } else if (source.kind === 'sql') {
      if (inputs.stageSql === undefined) throw new DataError(`${source.location}: not checked`);
      stagedParquet = temporaryPath(path.join(dir, 'staged.parquet'));
      await inputs.stageSql(stagedParquet);
      reader = `read_parquet(${sqlString(stagedParquet)})`;
    } else if (source.kind === 'csv') {
      const delimiter = await csvDelimiter(db, source.files);
      reader = readerSql(source, {
        ...(delimiter === undefined ? {} : { delimiter }),
        rejects: rejectTables,
      });
    } else {
      reader = readerSql(source);
    }
    const described = await db.query(`DESCRIBE SELECT * FROM ${reader}`);
    const nameIndex = described.columns.indexOf('column_name');
    const typeIndex = described.columns.indexOf('column_type');
    const rawColumns = described.rows.map((row) => ({
      name: String(row[nameIndex]),
      duckType: String(row[typeIndex]),
    }));
    if (rawColumns.length === 0) throw new DataError(`${source.location}: no columns found`);
    const overrides = settings?.types ?? {};
    for (const name of Object.keys(overrides)) {
      if (!rawColumns.some((column) => column.name === name)) {
        throw new DataError(
          `dashport.yaml: datasets.${source.id}.types.${name}: no such column in ${source.location}`,
        );
      }
    }
    const projection = rawColumns
      .map((column) => castExpression(column.name, column.duckType, overrides[column.name]))
      .join(', ');
    await db.run(
      `COPY (SELECT ${projection} FROM ${reader}) TO ${sqlString(temporaryParquet)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${rowGroupSize(rawColumns.length)})`,
    );
    if (source.kind === 'csv') await assertNoRejects(db, rejectTables);
    const parquetRelation = `read_parquet(${sqlString(temporaryParquet)})`;
    const counted = await db.query(`SELECT count(*) FROM ${parquetRelation}`);
    const rows = Number(counted.rows[0]?.[0] ?? 0);
    const nullCounts = await db.query(
      `SELECT ${rawColumns.map((c, i) => `count(*) - count("c${i}") AS "n${i}"`).join(', ')} FROM (SELECT ${rawColumns
        .map((c, i) => `${quoteIdent(c.name)} AS "c${i}"`)
        .join(', ')} FROM ${parquetRelation})`,
    );
    const columns: ColumnInfo[] = rawColumns.map((column, i) => ({
      name: column.name,
      type: overrides[column.name] ?? columnTypeOf(column.duckType),
      nullable: Number(nullCounts.rows[0]?.[i] ?? 0) > 0,
    }));

    context.onPhase?.('analysing');
    const analyses = await computeAnalyses(db, {
      id: source.id,
      parquetFile: temporaryParquet,
      columns,
      rows,
      labelColumn: settings?.label_column,
      samplesPerClass: settings?.samples_per_class ?? DEFAULT_SAMPLES_PER_CLASS,
    });
    contentHash = await inputs.hashing;
    const key = `${contentHash.slice(0, 12)}-${wantedSettings.slice(0, 6)}`;
    const parquetFile = `${key}.parquet`;
    const analysisFile = `${key}.analysis.json`;
    const parquetPath = path.join(dir, parquetFile);
    await writeFileAtomic(path.join(dir, analysisFile), JSON.stringify(analyses));
    await rename(temporaryParquet, parquetPath);
    const manifest: Manifest = {
      formatVersion: MANIFEST_FORMAT_VERSION,
      id: source.id,
      kind: source.kind,
      location: source.location,
      sources: files,
      contentHash,
      settingsHash: wantedSettings,
      parquetFile,
      analysisFile,
      columns: columns.map((column) => {
        const summary = analyses.summary.columns.find((c) => c.name === column.name);
        return { ...column, stats: summary?.stats ?? null };
      }),
      rows,
      parquetBytes: (await stat(parquetPath)).size,
      builtAt: new Date().toISOString(),
      buildSeconds: (performance.now() - started) / 1000,
      dashportVersion: context.version,
    };
    await writeManifest(cacheDir, manifest);
    await clearFailure(cacheDir, source.id);
    await sweepDatasetDir(cacheDir, source.id, [parquetFile, analysisFile]);
    return { status: 'built', manifest };
  } catch (error) {
    await rm(temporaryParquet, { force: true });
    const located =
      source.kind === 'csv'
        ? await locateSnifferFailure(error, source)
        : source.kind === 'ndjson'
          ? await locateNdjsonFailure(error, source)
          : error;
    contentHash ??= await inputs.hashing.catch(() => undefined);
    const failure = {
      ...describeFailure(located, source),
      ...(contentHash === undefined ? {} : { contentHash }),
    };
    await writeFailure(cacheDir, source.id, failure);
    return { status: 'failed', failure, manifest: previous };
  } finally {
    if (stagedCsv !== undefined) await rm(stagedCsv, { force: true });
    if (stagedParquet !== undefined) await rm(stagedParquet, { force: true });
    await db.run(`DROP TABLE IF EXISTS ${quoteIdent(rejectTables.table)}`).catch(() => undefined);
    await db.run(`DROP TABLE IF EXISTS ${quoteIdent(rejectTables.scan)}`).catch(() => undefined);
  }
}

let rejectCounter = 0;

/** Decoded bytes a row group may take: a query reads whole row groups, so wide tables get fewer rows each. */
const ROW_GROUP_TARGET_BYTES = 16 * 1024 * 1024;

/** Rows per Parquet row group: DuckDB's default for narrow tables, fewer for wide ones. */
export function rowGroupSize(columns: number): number {
  return Math.max(
    2048,
    Math.min(122_880, Math.floor(ROW_GROUP_TARGET_BYTES / (8 * Math.max(1, columns)))),
  );
}

/**
 * The delimiter of a CSV file. DuckDB's sniffer, faced with a malformed file, may "detect" an
 * exotic delimiter that makes every line one column; a header with commas means the file is
 * comma-separated and broken, which we want reported, not silently read as one column.
 */
async function csvDelimiter(db: DuckDb, files: readonly string[]): Promise<string | undefined> {
  const first = files[0];
  if (first === undefined) return undefined;
  if (/\.tsv(\.gz)?$/i.test(first)) return '\t';
  try {
    const sniffed = await db.query(
      `SELECT Delimiter, len(Columns) FROM sniff_csv(${sqlString(first)}, allow_quoted_nulls = false)`,
    );
    const delimiter = sniffed.rows[0]?.[0];
    const columns = Number(sniffed.rows[0]?.[1] ?? 0);
    if (typeof delimiter === 'string' && delimiter.length === 1 && columns > 1) return delimiter;
  } catch {
    // The sniffer gave up: read it as standard CSV and let the reader name the bad line.
  }
  return ',';
}
