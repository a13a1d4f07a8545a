/**
 * Builds (or verifies) the cache entry of one file dataset: fingerprint the sources, reuse the
 * entry when nothing changed, else convert to Parquet, compute the analyses and commit a new
 * manifest. A source that cannot be read fails this dataset alone, with file, line and reason.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DataError } from '../errors.js';
import type { ColumnInfo } from '../shared/api-types.js';
import {
  type BuildFailure,
  type Manifest,
  MANIFEST_FORMAT_VERSION,
  type SourceFileState,
  clearFailure,
  datasetCacheDir,
  readFailure,
  readManifest,
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
import { castExpression, columnTypeOf, readerSql, sqlString, sqlTypeOf } from './source-sql.js';
import { quoteIdent } from './sql/identifiers.js';
import { stageSqliteTable } from './sqlite-source.js';
import { findUnterminatedQuote } from './csv-quote-scan.js';

export type BuildOutcome =
  | { readonly status: 'fresh'; readonly manifest: Manifest }
  | { readonly status: 'built'; readonly manifest: Manifest }
  | {
      readonly status: 'failed';
      readonly failure: BuildFailure;
      readonly manifest: Manifest | undefined;
    };

export interface BuildContext {
  readonly db: DuckDb;
  readonly cacheDir: string;
  readonly version: string;
  /** Rebuild even when the fingerprint matches (`cache build --force`). */
  readonly force?: boolean;
  readonly onPhase?: (phase: 'hashing' | 'converting' | 'analysing') => void;
}

export async function fingerprintFiles(files: readonly string[]): Promise<SourceFileState[]> {
  return Promise.all(
    files.map(async (file) => {
      const info = await stat(file);
      return { path: file, size: info.size, mtimeMs: info.mtimeMs };
    }),
  );
}

export async function hashFiles(files: readonly string[], extra = ''): Promise<string> {
  const hash = createHash('sha256');
  hash.update(extra);
  for (const file of files) {
    hash.update(`\0${path.basename(file)}\0`);
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }))
      hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/** The settings that change what is built; a change rebuilds the entry. */
export function settingsHash(settings: DatasetSettings | undefined): string {
  const relevant = {
    types: settings?.types ?? {},
    label: settings?.label_column ?? null,
    samples: settings?.samples_per_class ?? DEFAULT_SAMPLES_PER_CLASS,
  };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 16);
}

function sameFiles(a: readonly SourceFileState[], b: readonly SourceFileState[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.path === b[i]?.path && x.size === b[i]?.size && x.mtimeMs === b[i]?.mtimeMs)
  );
}

/** DuckDB quotes the failed statement as `LINE 1: DESCRIBE SELECT …`: the SQL's line, not the file's. */
const SQL_CONTEXT = /\s*\bLINE \d+:[\s\S]*$/;

/** `Line: 12`, `line 12`, `on line 12` in DuckDB's CSV and JSON errors. */
export function lineFromMessage(message: string): number | undefined {
  const match = /\bline(?: number)?\s*:?\s*(\d+)/i.exec(message.replace(SQL_CONTEXT, ''));
  return match ? Number(match[1]) : undefined;
}

function describeFailure(error: unknown, source: FileSource): BuildFailure {
  const raw = (error instanceof Error ? error.message : String(error)).replace(SQL_CONTEXT, '');
  const message = raw.split('\n').slice(0, 6).join(' ').replace(/\s+/g, ' ').trim();
  const fileMatch =
    (error instanceof DataError ? error.file : undefined) ??
    source.files.find((file) => raw.includes(file)) ??
    source.files[0];
  const line = (error instanceof DataError ? error.line : undefined) ?? lineFromMessage(raw);
  return {
    at: new Date().toISOString(),
    message: `${fileMatch === undefined ? source.location : path.relative(path.dirname(source.files[0] ?? ''), fileMatch) || source.location}${line === undefined ? '' : `:${line}`}: ${message}`,
    ...(fileMatch === undefined ? {} : { file: fileMatch }),
    ...(line === undefined ? {} : { line }),
  };
}

export async function buildDataset(
  source: FileSource,
  settings: DatasetSettings | undefined,
  context: BuildContext,
): Promise<BuildOutcome> {
  const { cacheDir } = context;
  const previous = await readManifest(cacheDir, source.id);
  const files = await fingerprintFiles(source.files);
  const wantedSettings = settingsHash(settings);
  const tableTag = source.table === undefined ? '' : `table:${source.table}`;

  if (
    !context.force &&
    previous &&
    previous.settingsHash === wantedSettings &&
    sameFiles(previous.sources, files)
  ) {
    return { status: 'fresh', manifest: previous };
  }
  const lastFailure = await readFailure(cacheDir, source.id);
  // With something to compare against, hash first: an unchanged source skips the build. On a
  // first build the hash only labels the result, so it runs alongside the conversion.
  const hashing = hashFiles(source.files, tableTag);
  hashing.catch(() => undefined);
  if (previous === undefined && lastFailure === undefined && !context.force) {
    return convert(source, settings, context, { previous, files, wantedSettings, hashing });
  }
  context.onPhase?.('hashing');
  const contentHash = await hashing;
  if (
    !context.force &&
    previous &&
    previous.settingsHash === wantedSettings &&
    previous.contentHash === contentHash
  ) {
    // Touched but unchanged (a copy, a checkout): record the new mtimes, keep the data.
    const manifest: Manifest = { ...previous, sources: files };
    await writeManifest(cacheDir, manifest);
    return { status: 'fresh', manifest };
  }
  if (!context.force && lastFailure?.contentHash === contentHash) {
    return { status: 'failed', failure: lastFailure, manifest: previous };
  }
  return convert(source, settings, context, { previous, files, wantedSettings, hashing });
}

interface ConvertInputs {
  readonly previous: Manifest | undefined;
  readonly files: SourceFileState[];
  readonly wantedSettings: string;
  readonly hashing: Promise<string>;
}

/** Source → Parquet → analyses → manifest, or a recorded failure. */
async function convert(
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
 * DuckDB (1.5) reports a malformed NDJSON record one line after the line it is on: name the
 * first line that is not a JSON value ourselves, with JSON.parse's reason.
 */
async function locateNdjsonFailure(error: unknown, source: FileSource): Promise<unknown> {
  if (!(error instanceof Error) || !/malformed json/i.test(error.message)) return error;
  for (const file of source.files) {
    let line = 0;
    for await (const text of createInterface({
      input: createReadStream(file),
      crlfDelay: Infinity,
    })) {
      line += 1;
      if (text.trim() === '') continue;
      try {
        JSON.parse(text);
      } catch (parseError) {
        return new DataError(`not a JSON value: ${(parseError as Error).message}`, { file, line });
      }
    }
  }
  return error;
}

/** DuckDB's sniffer fails without a line on an unterminated quote: find that line ourselves. */
async function locateSnifferFailure(error: unknown, source: FileSource): Promise<unknown> {
  if (!(error instanceof Error) || !/sniffing file/i.test(error.message)) return error;
  for (const file of source.files) {
    const line = await findUnterminatedQuote(file).catch(() => undefined);
    if (line !== undefined) {
      return new DataError('unterminated quoted field (a " opens a field that never closes)', {
        file,
        line,
      });
    }
  }
  return new DataError(
    `not a consistent CSV file: DuckDB could not detect its delimiter, quoting and columns (${error.message.split('\n')[0] ?? ''})`,
    { ...(source.files[0] === undefined ? {} : { file: source.files[0] }) },
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

/** Fail the build with file, line and reason when the reader rejected any line. */
async function assertNoRejects(db: DuckDb, tables: { table: string; scan: string }): Promise<void> {
  const result = await db.query(
    `SELECT s.file_path, e.line, e.column_name, e.error_type, e.error_message FROM ${quoteIdent(tables.table)} e JOIN ${quoteIdent(tables.scan)} s USING (scan_id, file_id) ORDER BY s.file_path, e.line LIMIT 1`,
  );
  const row = result.rows[0];
  if (!row) return;
  const [file, line, column, type, message] = row;
  const where =
    column === null || column === undefined || column === '' ? '' : ` (column ${String(column)})`;
  throw new DataError(`${String(type).toLowerCase()}${where}: ${String(message)}`, {
    file: String(file),
    line: Number(line),
  });
}
