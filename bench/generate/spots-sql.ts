/**
 * The DuckDB query that materialises a spots plan: `range()` expands each hour into its spots
 * and hashes of (seed, hour, spot number) stand in for a random stream, so the rows are the
 * same on every run and any thread count (DuckDB's random() is per-thread state, not
 * reproducible in parallel) and millions of rows take seconds. Stations and spotters are pools of callsigns with a fixed country each,
 * drawn with a skew so a few stations account for many spots, as on a real cluster.
 */
import { BAND_SEGMENTS, CONTEST_BANDS, SPOT_BANDS } from './spots-bands.js';
import { DXCC_ENTITIES, type DxccEntity } from './dxcc-entities.js';
import type { SpotsPlan } from './spots-plan.js';
import { sqlString } from '../../src/engine/source-sql.js';

export interface SpotsQueryOptions {
  readonly seed: number;
  /** Distinct spotted stations to draw from. */
  readonly stations: number;
  /** Distinct spotters (cluster users and skimmers) to draw from. */
  readonly spotters: number;
}

/** Share of a contest hour's spots on the contest bands that are contest CW. */
const CONTEST_CW_SHARE = 0.7;

function sqlNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return String(value);
}

/**
 * Draw number `salt` of a row as a uniform double in [0, 1), from `base` (the row's
 * `hash(seed, key…)`). Re-hashing `base xor salt` keeps the draws independent: DuckDB combines
 * the arguments of a multi-argument hash so that `hash(…, 1)` and `hash(…, 2)` are correlated.
 */
function draw(salt: number): string {
  return `((hash(xor(base, ${salt}::UBIGINT)) >> 11)::DOUBLE / 9007199254740992.0)`;
}

/** Countries with cumulative [low, high) bounds of their share, for one weight column. */
function countryValues(weightOf: (entity: DxccEntity) => number): string {
  const weighted = DXCC_ENTITIES.filter((entity) => weightOf(entity) > 0);
  const total = weighted.reduce((sum, entity) => sum + weightOf(entity), 0);
  let low = 0;
  return weighted
    .map((entity, index) => {
      // The last bound is exactly 1 so rounding never leaves a draw without a country.
      const high = index === weighted.length - 1 ? 1 : low + weightOf(entity) / total;
      const prefixes = `[${entity.prefixes.map(sqlString).join(', ')}]`;
      const row = `(${sqlString(entity.name)}, ${sqlNumber(low)}, ${sqlNumber(high)}, ${prefixes})`;
      low = high;
      return row;
    })
    .join(',\n    ');
}

/** A pool of `size` callsigns (an SQL number) with their country, drawn by the weight column. */
function callsignPool(
  name: string,
  size: string,
  weights: string,
  seed: number,
  salt: number,
): string {
  const letter = (shift: number): string => `chr(65 + ((p.hv >> ${shift}) % 26)::INTEGER)`;
  return `${name} AS (
  SELECT p.id, c.name AS country,
    replace(c.prefixes[(1 + p.hv % len(c.prefixes))::BIGINT], '#', ((p.hv >> 8) % 10)::VARCHAR)
      || left(${letter(16)} || ${letter(24)} || ${letter(32)},
              CASE WHEN (p.hv >> 40) % 10 = 0 THEN 1 WHEN (p.hv >> 40) % 10 < 3 THEN 2 ELSE 3 END)
      AS callsign
  FROM (
    SELECT id, hash(xor(base, ${salt}::UBIGINT)) AS hv, ${draw(salt + 1)} AS u
    FROM (SELECT id, hash(${sqlNumber(seed)}, id) AS base FROM range(${size}) r(id))
  ) p
  JOIN ${weights} c ON p.u >= c.low AND p.u < c.high
)`;
}

/** A SELECT of the plan's spots (ts, frequency, band, mode, spotter, callsign, country) in time order. */
export function buildSpotsQuery(plan: SpotsPlan, options: SpotsQueryOptions): string {
  const { seed } = options;
  const stations = sqlNumber(options.stations);
  const spotters = sqlNumber(options.spotters);
  const thresholdColumns = SPOT_BANDS.slice(0, -1).map((_, index) => `b${index}`);
  const hourRows = plan.hours
    .filter((hour) => hour.spots > 0)
    .map((hour) => {
      const bounds = hour.bandThresholds.slice(0, -1).map(sqlNumber);
      return `(${hour.index}, ${hour.spots}, ${hour.contest}, ${bounds.join(', ')})`;
    });
  const bandCase = SPOT_BANDS.map((band, index) =>
    index < thresholdColumns.length
      ? `WHEN u_band < b${index} THEN ${sqlString(band)}`
      : `ELSE ${sqlString(band)}`,
  ).join(' ');

  const modeRows: string[] = [];
  for (const band of SPOT_BANDS) {
    const segments = BAND_SEGMENTS.filter((segment) => segment.band === band);
    const total = segments.reduce((sum, segment) => sum + segment.weight, 0);
    let low = 0;
    segments.forEach((segment, index) => {
      const high = index === segments.length - 1 ? 1 : low + segment.weight / total;
      modeRows.push(
        `(${sqlString(band)}, ${sqlString(segment.mode)}, ${sqlNumber(low)}, ${sqlNumber(high)}, ` +
          `${sqlNumber(segment.lowKhz)}, ${sqlNumber(segment.highKhz)}, ${sqlNumber(segment.skew)})`,
      );
      low = high;
    });
  }
  const contestBands = CONTEST_BANDS.map(sqlString).join(', ');
  const startMicros = `${plan.startMs}000`;

  return `WITH
hours(h, n, contest, ${thresholdColumns.join(', ')}) AS (VALUES
    ${hourRows.join(',\n    ')}),
segments(band, mode, low, high, low_khz, high_khz, skew) AS (VALUES
    ${modeRows.join(',\n    ')}),
dx_weights(name, low, high, prefixes) AS (VALUES
    ${countryValues((entity) => entity.dx)}),
spotter_weights(name, low, high, prefixes) AS (VALUES
    ${countryValues((entity) => entity.spotter)}),
${callsignPool('stations', stations, 'dx_weights', seed, 101)},
${callsignPool('spotter_pool', spotters, 'spotter_weights', seed, 201)},
expanded AS (
  SELECT h, contest, ${thresholdColumns.join(', ')}, unnest(range(n)) AS k FROM hours
),
keyed AS (
  SELECT *, hash(${sqlNumber(seed)}, h, k) AS base FROM expanded
),
draws AS (
  SELECT h, k, contest, ${thresholdColumns.join(', ')},
    floor(${draw(1)} * 3600)::BIGINT AS second,
    ${draw(2)} AS u_band,
    ${draw(3)} AS u_mode,
    ${draw(4)} < ${CONTEST_CW_SHARE} AS contest_cw,
    ${draw(5)} AS u_frequency,
    floor(pow(${draw(6)}, 2) * ${stations})::BIGINT AS station,
    floor(pow(${draw(7)}, 2) * ${spotters})::BIGINT AS spotter
  FROM keyed
),
banded AS (
  SELECT h, k, contest, second, u_mode, contest_cw, u_frequency, station, spotter,
    CASE ${bandCase} END AS band
  FROM draws
),
moded AS (
  SELECT d.*,
    CASE WHEN d.contest AND d.contest_cw AND d.band IN (${contestBands}) THEN 'CW' ELSE m.mode END AS mode
  FROM banded d
  JOIN segments m ON m.band = d.band AND d.u_mode >= m.low AND d.u_mode < m.high
)
SELECT
  make_timestamp(${startMicros} + (d.h * 3600 + d.second) * 1000000) AS ts,
  round(s.low_khz + (s.high_khz - s.low_khz) * pow(d.u_frequency, s.skew), 1) AS frequency,
  d.band,
  d.mode,
  sp.callsign AS spotter,
  st.callsign,
  st.country
FROM moded d
JOIN segments s ON s.band = d.band AND s.mode = d.mode
JOIN stations st ON st.id = d.station
JOIN spotter_pool sp ON sp.id = d.spotter
ORDER BY d.h, d.second, d.k`;
}
