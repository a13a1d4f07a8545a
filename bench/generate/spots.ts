/**
 * Radio spots generator: a DX-cluster-like event table (ts, frequency, band, mode, spotter,
 * callsign, country) written as zstd Parquet by DuckDB, optionally also as CSV. Deterministic
 * for a seed, and fast: 5 million rows take seconds.
 *
 *   npx tsx bench/generate/spots.ts --rows 5000000 --out bench/.data/spots-5m.parquet
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeAtomically, type GeneratedFile } from './atomic-file.js';
import { failCli, isEntryPoint, parsePositiveInteger } from './cli.js';
import { planSpots } from './spots-plan.js';
import { buildSpotsQuery } from './spots-sql.js';
import { sqlString } from '../../src/engine/source-sql.js';

/** Defaults: a 30-day window ending with the CQ WW DX CW weekend of 2024. */
export const SPOTS_DEFAULTS = {
  seed: 42,
  start: '2024-11-01T00:00:00Z',
  days: 30,
} as const;

export interface SpotsOptions {
  readonly seed?: number;
  /** First hour, UTC, ISO 8601. */
  readonly start?: string;
  readonly days?: number;
  /** Also write the same rows as CSV (with a header) to this path. */
  readonly csvFile?: string;
  /** DuckDB threads; the output is identical for any count. */
  readonly threads?: number;
}

export interface GeneratedSpots extends GeneratedFile {
  readonly csv?: GeneratedFile;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, Math.round(value)));
}

/** Write exactly `rows` spots to `file` as Parquet (atomically), and to `csvFile` when given. */
export async function generateSpots(
  file: string,
  rows: number,
  options: SpotsOptions = {},
): Promise<GeneratedSpots> {
  if (!Number.isSafeInteger(rows) || rows < 1) {
    throw new RangeError(`rows: expected a positive integer, got ${rows}`);
  }
  const {
    seed = SPOTS_DEFAULTS.seed,
    start = SPOTS_DEFAULTS.start,
    days = SPOTS_DEFAULTS.days,
  } = options;
  const started = performance.now();
  const plan = planSpots(rows, { seed, start, days });
  const query = buildSpotsQuery(plan, {
    seed,
    stations: clamp(rows / 12, 500, 200_000),
    spotters: clamp(rows / 200, 50, 5_000),
  });
  // The default, stated because the byte-identical output depends on it.
  const settings: Record<string, string> = { preserve_insertion_order: 'true' };
  if (options.threads !== undefined) settings['threads'] = String(options.threads);
  const instance = await DuckDBInstance.create(':memory:', settings);
  const connection = await instance.connect();
  try {
    await writeAtomically(file, async (temporaryFile) => {
      await connection.run(
        `COPY (${query}) TO ${sqlString(temporaryFile)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    });
    const parquet: GeneratedFile = {
      file,
      rows,
      bytes: (await stat(file)).size,
      elapsedMs: performance.now() - started,
    };
    const { csvFile } = options;
    if (csvFile === undefined) return parquet;
    const csvStarted = performance.now();
    await writeAtomically(csvFile, async (temporaryFile) => {
      await connection.run(
        `COPY (SELECT * FROM read_parquet(${sqlString(file)})) TO ${sqlString(temporaryFile)} (FORMAT csv, HEADER)`,
      );
    });
    const csv: GeneratedFile = {
      file: csvFile,
      rows,
      bytes: (await stat(csvFile)).size,
      elapsedMs: performance.now() - csvStarted,
    };
    return { ...parquet, csv };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function describe(result: GeneratedFile): string {
  return `${result.file}: ${result.rows} rows, ${result.bytes} bytes in ${(result.elapsedMs / 1000).toFixed(1)} s`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '5000000' },
      out: { type: 'string', default: 'bench/.data/spots-5m.parquet' },
      csv: { type: 'string' },
      seed: { type: 'string', default: String(SPOTS_DEFAULTS.seed) },
      start: { type: 'string', default: SPOTS_DEFAULTS.start },
      days: { type: 'string', default: String(SPOTS_DEFAULTS.days) },
    },
  });
  const result = await generateSpots(values.out, parsePositiveInteger('--rows', values.rows), {
    seed: parsePositiveInteger('--seed', values.seed),
    start: values.start,
    days: parsePositiveInteger('--days', values.days),
    ...(values.csv === undefined ? {} : { csvFile: values.csv }),
  });
  console.log(describe(result));
  if (result.csv) console.log(describe(result.csv));
}

if (isEntryPoint(import.meta.url)) main().catch(failCli);
