/**
 * Spots-like rows at any scale (100 million and more): one DuckDB `COPY (SELECT … FROM
 * range(N)) TO '….parquet'`, so rows stream from the range to the file and nothing is held in
 * JS memory, and no sort is needed — `ts` grows with the row number. Every column is a hash of
 * (seed, row number), so the file is the same on every run and any thread count. The columns
 * are those of the radio-spots example (ts, frequency, band, mode, spotter, callsign, country);
 * the shape is simpler than spots-sql.ts' daylight model, which sorts and so does not scale.
 *
 *   npx tsx bench/generate/scale-spots.ts --rows 100000000 --out bench/.data/scale-100m.parquet
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { type GeneratedFile, writeAtomically } from './atomic-file.js';
import { failCli, isEntryPoint, parsePositiveInteger } from './cli.js';
import { DXCC_ENTITIES } from './dxcc-entities.js';
import { BAND_EDGES_KHZ, SPOT_BANDS, SPOT_MODES } from './spots-bands.js';
import { sqlString } from '../../src/engine/source-sql.js';

export interface ScaleSpotsOptions {
  readonly seed?: number;
  /** First instant, UTC, ISO 8601; rows spread evenly over `days` from it. */
  readonly start?: string;
  readonly days?: number;
  /** DuckDB threads for the generation; the output is identical for any count. */
  readonly threads?: number;
  /** DuckDB memory_limit, e.g. '1GB'. */
  readonly memoryLimit?: string;
}

export const SCALE_SPOTS_DEFAULTS = { seed: 42, start: '2024-11-01T00:00:00Z', days: 30 } as const;

/** Relative shares of the bands and modes (20 m and FT8 busiest, as on a real cluster). */
const BAND_WEIGHTS = [3, 6, 14, 5, 22, 6, 14, 5, 20, 5] as const;
const MODE_WEIGHTS = [30, 12, 45, 8, 5] as const;
const STATIONS = 200_000;
const SPOTTERS = 5_000;

/** A list literal where each item appears `weight` times: `list[1 + u % len]` draws by weight. */
function weightedList(items: readonly string[], weights: readonly number[]): string {
  const expanded = items.flatMap((item, index) =>
    Array.from({ length: weights[index] ?? 1 }, () => sqlString(item)),
  );
  return `[${expanded.join(', ')}]`;
}

/** Uniform UBIGINT draw number `salt` of row `i` (re-hashed so draws are independent). */
function draw(seed: number, salt: number, of = 'i'): string {
  return `hash(xor(hash(${seed}::UBIGINT, ${of}), ${salt}::UBIGINT))`;
}

/** A unit double in [0, 1) from a draw. */
function unit(hashExpr: string): string {
  return `((${hashExpr} >> 11)::DOUBLE / 9007199254740992.0)`;
}

/** The SELECT of `rows` spots, in time order, without ORDER BY (ts follows the row number). */
export function buildScaleSpotsQuery(rows: number, options: ScaleSpotsOptions = {}): string {
  if (!Number.isSafeInteger(rows) || rows < 1)
    throw new RangeError(`rows: expected a positive integer, got ${rows}`);
  const seed = options.seed ?? SCALE_SPOTS_DEFAULTS.seed;
  const startMs = Date.parse(options.start ?? SCALE_SPOTS_DEFAULTS.start);
  if (!Number.isFinite(startMs)) throw new RangeError(`start: not an ISO 8601 instant`);
  const spanMicros = (options.days ?? SCALE_SPOTS_DEFAULTS.days) * 86_400_000_000;
  const bands = weightedList(SPOT_BANDS, BAND_WEIGHTS);
  const modes = weightedList(SPOT_MODES, MODE_WEIGHTS);
  const lows = `[${SPOT_BANDS.map((band) => BAND_EDGES_KHZ[band][0]).join(', ')}]`;
  const widths = `[${SPOT_BANDS.map((band) => BAND_EDGES_KHZ[band][1] - BAND_EDGES_KHZ[band][0]).join(', ')}]`;
  const bandNames = `[${SPOT_BANDS.map(sqlString).join(', ')}]`;
  const countries = `[${DXCC_ENTITIES.map((entity) => sqlString(entity.name)).join(', ')}]`;
  const prefixes = `[${DXCC_ENTITIES.map((entity) => sqlString((entity.prefixes[0] ?? 'X#').replace('#', ''))).join(', ')}]`;
  const entities = DXCC_ENTITIES.length;
  // A station's country is a function of the station, skewed so a few entities dominate;
  // stations and spotters are drawn with a skew so a few account for many spots.
  const station = `floor(pow(${unit(draw(seed, 3))}, 2) * ${STATIONS})::BIGINT`;
  const spotter = `floor(pow(${unit(draw(seed, 4))}, 2) * ${SPOTTERS})::BIGINT`;
  const entityOf = (id: string, salt: number): string =>
    `(1 + floor(pow(${unit(draw(seed, salt, id))}, 3) * ${entities}))::BIGINT`;
  const call = (id: string, entity: string): string =>
    `${prefixes}[${entity}] || (${id} % 10)::VARCHAR || chr(65 + ((${id} // 10) % 26)::INTEGER) || chr(65 + ((${id} // 260) % 26)::INTEGER) || chr(65 + ((${id} // 6760) % 26)::INTEGER)`;
  return `SELECT
  make_timestamp(${startMs}000 + (i::HUGEINT * ${spanMicros} // ${rows})::BIGINT) AS ts,
  round(${lows}[band_index] + ${widths}[band_index] * ${unit(draw(seed, 5))}, 1) AS frequency,
  band, mode,
  ${call('spotter_id', 'spotter_entity')} AS spotter,
  ${call('station_id', 'station_entity')} AS callsign,
  ${countries}[station_entity] AS country
FROM (
  SELECT i, band, mode, station_id, spotter_id,
    list_position(${bandNames}, band) AS band_index,
    ${entityOf('station_id', 6)} AS station_entity,
    ${entityOf('spotter_id', 7)} AS spotter_entity
  FROM (
    SELECT i,
      ${bands}[(1 + ${draw(seed, 1)} % ${BAND_WEIGHTS.reduce((a, b) => a + b, 0)})::BIGINT] AS band,
      ${modes}[(1 + ${draw(seed, 2)} % ${MODE_WEIGHTS.reduce((a, b) => a + b, 0)})::BIGINT] AS mode,
      ${station} AS station_id,
      ${spotter} AS spotter_id
    FROM range(${rows}) r(i)
  )
)`;
}

/** Write exactly `rows` spots to `file` as zstd Parquet, atomically, streamed by DuckDB. */
export async function generateScaleSpots(
  file: string,
  rows: number,
  options: ScaleSpotsOptions = {},
): Promise<GeneratedFile> {
  const started = performance.now();
  const query = buildScaleSpotsQuery(rows, options);
  // Insertion order keeps ts ascending in the file (row groups prune on ts).
  const settings: Record<string, string> = { preserve_insertion_order: 'true' };
  if (options.threads !== undefined) settings['threads'] = String(options.threads);
  if (options.memoryLimit !== undefined) settings['memory_limit'] = options.memoryLimit;
  const instance = await DuckDBInstance.create(':memory:', settings);
  const connection = await instance.connect();
  try {
    await writeAtomically(file, async (temporaryFile) => {
      await connection.run(
        `COPY (${query}) TO ${sqlString(temporaryFile)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    });
    return { file, rows, bytes: (await stat(file)).size, elapsedMs: performance.now() - started };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000000' },
      out: { type: 'string', default: 'bench/.data/scale-100m.parquet' },
      seed: { type: 'string', default: String(SCALE_SPOTS_DEFAULTS.seed) },
    },
  });
  const result = await generateScaleSpots(values.out, parsePositiveInteger('--rows', values.rows), {
    seed: parsePositiveInteger('--seed', values.seed),
  });
  console.log(
    `${result.file}: ${result.rows} rows, ${result.bytes} bytes in ${(result.elapsedMs / 1000).toFixed(1)} s`,
  );
}

if (isEntryPoint(import.meta.url)) main().catch(failCli);
