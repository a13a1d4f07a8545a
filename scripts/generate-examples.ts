/**
 * Writes the bundled example data dir (`examples/data/`, the default DATA_DIR): trends, notes,
 * radio spots, heartbeats and the real Seattle weather set, plus their `dashport.yaml`.
 * Deterministic: fixed seeds and dates, so regenerating gives the same files.
 *
 *   npx tsx scripts/generate-examples.ts [--out examples/data]
 */
import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify as stringifyYaml } from 'yaml';
import { writeAtomically } from '../bench/generate/atomic-file.js';
import { failCli, isEntryPoint } from '../bench/generate/cli.js';
import { csvTable } from '../bench/generate/csv-text.js';
import { generateHeartbeatsCsv } from '../bench/generate/heartbeats.js';
import { generateSpots } from '../bench/generate/spots.js';
import { TREND_NOTES } from '../bench/generate/trend-notes.js';
import { generateTrendRows } from '../bench/generate/trends.js';

/** Where the examples live in the repository. */
export const EXAMPLES_DATA_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'examples',
  'data',
);

/** Fixed seeds and sizes of the bundled examples. */
export const EXAMPLE_SIZES = {
  trendsSeed: 1990,
  spotsSeed: 42,
  spotsRows: 150_000,
  heartbeatsSeed: 187,
  heartbeatsRows: 3_000,
  heartbeatsDecimals: 4,
} as const;

/** The file's git blob hash, as vega-datasets' datapackage.json records it (`hash: sha1:…`). */
const SEATTLE_WEATHER_SHA1 = '0f38b53bdc1c42c5e5d484f33b9d4d7b229e0e59';

/**
 * The SQL dataset of the management-tools example (SPEC §10): each milestone of notes.csv with
 * the tool's trend values in the month it happened, one row per source.
 */
export const NOTED_TRENDS_SQL = `-- Each milestone (notes) with the tool's trend values that month (trends), one row per
-- source: a SQL dataset, built into the cache and rebuilt when either file changes.
SELECT n.date, n.tool, t.source, t.value, n.note
FROM notes AS n
JOIN trends AS t USING (date, tool)
ORDER BY n.date, n.tool, t.source
`;

/** Per-dataset settings, in the `dashport.yaml` shape of SPEC §4. */
export const EXAMPLE_SETTINGS = {
  datasets: {
    trends: {
      title: 'Management tool trends',
      description:
        'Monthly popularity of eight management tools, 1990–2024, by source: Google Trends, ' +
        'Crossref and Google Books indexes (peak = 100), Bain survey usage (% of companies) ' +
        'and satisfaction (1–5). Synthetic.',
      time_column: 'date',
    },
    notes: {
      title: 'Management tool milestones',
      description: 'Dated events behind the trends curves: books, articles and companies.',
      time_column: 'date',
    },
    'noted-trends': {
      title: 'Milestones with their trends',
      description:
        'Each milestone of the notes with the tool’s trend values in the month it happened, ' +
        'one row per source: a SQL dataset joining notes and trends (noted-trends.sql).',
      time_column: 'date',
    },
    spots: {
      title: 'Radio spots',
      description:
        'DX cluster spots of amateur radio stations over November 2024, with a CW contest ' +
        'weekend (23–24): band activity follows daylight. Synthetic; accepts live rows.',
      time_column: 'ts',
      live: true,
    },
    heartbeats: {
      title: 'Heartbeats',
      description:
        'One heartbeat per row, 187 samples at 125 Hz scaled to 0..1, labelled 0 normal, ' +
        '1 supraventricular, 2 ventricular, 3 fusion, 4 unknown (as MIT-BIH). Synthetic.',
      label_column: 'label',
      types: { label: 'string' },
    },
    'seattle-weather': {
      title: 'Seattle weather',
      description:
        'Daily weather in Seattle, 2012–2015 (NOAA, via the vega-datasets package): ' +
        'precipitation, temperatures, wind and a weather category.',
      time_column: 'date',
      label_column: 'weather',
    },
  },
} as const;

/** What was written, for the summary. */
export interface ExampleFile {
  readonly name: string;
  readonly rows: number;
  readonly bytes: number;
}

async function writeText(file: string, text: string): Promise<void> {
  await writeAtomically(file, (temporaryFile) => writeFile(temporaryFile, text));
}

async function sizeOf(file: string): Promise<number> {
  return (await stat(file)).size;
}

/** The Seattle weather CSV from the installed vega-datasets, checked against its recorded hash. */
async function readSeattleWeather(): Promise<Buffer> {
  // The package's exports only expose its JS entry; the data folder sits beside build/.
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  const file = path.join(path.dirname(entry), '..', 'data', 'seattle-weather.csv');
  const content = await readFile(file);
  const sha1 = createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
  if (sha1 !== SEATTLE_WEATHER_SHA1) {
    throw new Error(
      `${file}: sha1 ${sha1}, expected ${SEATTLE_WEATHER_SHA1}; the vega-datasets copy changed, ` +
        'check it and update SEATTLE_WEATHER_SHA1 and examples/README.md',
    );
  }
  return content;
}

/** Write every bundled example into `dir` (created if missing); returns rows and bytes per file. */
export async function generateExamples(dir: string = EXAMPLES_DATA_DIR): Promise<ExampleFile[]> {
  const written: ExampleFile[] = [];

  const trends = generateTrendRows(EXAMPLE_SIZES.trendsSeed);
  const trendsFile = path.join(dir, 'trends.csv');
  await writeText(
    trendsFile,
    csvTable(['date', 'tool', 'source', 'value'], trends, (row) => [
      row.date,
      row.tool,
      row.source,
      row.value.toFixed(2),
    ]),
  );
  written.push({ name: 'trends.csv', rows: trends.length, bytes: await sizeOf(trendsFile) });

  const notesFile = path.join(dir, 'notes.csv');
  await writeText(
    notesFile,
    csvTable(['date', 'tool', 'note'], TREND_NOTES, (note) => [note.date, note.tool, note.note]),
  );
  written.push({ name: 'notes.csv', rows: TREND_NOTES.length, bytes: await sizeOf(notesFile) });

  const notedTrendsFile = path.join(dir, 'noted-trends.sql');
  await writeText(notedTrendsFile, NOTED_TRENDS_SQL);
  written.push({ name: 'noted-trends.sql', rows: 0, bytes: await sizeOf(notedTrendsFile) });

  const spots = await generateSpots(path.join(dir, 'spots.parquet'), EXAMPLE_SIZES.spotsRows, {
    seed: EXAMPLE_SIZES.spotsSeed,
  });
  written.push({ name: 'spots.parquet', rows: spots.rows, bytes: spots.bytes });

  const heartbeats = await generateHeartbeatsCsv(
    path.join(dir, 'heartbeats.csv'),
    EXAMPLE_SIZES.heartbeatsRows,
    { seed: EXAMPLE_SIZES.heartbeatsSeed, precision: EXAMPLE_SIZES.heartbeatsDecimals },
  );
  written.push({ name: 'heartbeats.csv', rows: heartbeats.rows, bytes: heartbeats.bytes });

  const weather = await readSeattleWeather();
  const weatherFile = path.join(dir, 'seattle-weather.csv');
  await writeAtomically(weatherFile, (temporaryFile) => writeFile(temporaryFile, weather));
  const weatherRows = weather.toString('utf8').trimEnd().split('\n').length - 1;
  written.push({ name: 'seattle-weather.csv', rows: weatherRows, bytes: weather.length });

  const settingsFile = path.join(dir, 'dashport.yaml');
  await writeText(
    settingsFile,
    `# Settings of the bundled example datasets (SPEC §4).\n` +
      `# Generated by scripts/generate-examples.ts: edit there, then run it.\n` +
      stringifyYaml(EXAMPLE_SETTINGS, { lineWidth: 0 }),
  );
  written.push({ name: 'dashport.yaml', rows: 0, bytes: await sizeOf(settingsFile) });
  return written;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: 'string', default: EXAMPLES_DATA_DIR } },
  });
  const dir = path.resolve(values.out);
  const files = await generateExamples(dir);
  const width = Math.max(...files.map((file) => file.name.length));
  for (const file of files) {
    const rows = /\.(yaml|sql)$/.test(file.name) ? '' : `${file.rows} rows`;
    console.log(
      `${file.name.padEnd(width)}  ${rows.padStart(12)}  ${String(file.bytes).padStart(9)} bytes`,
    );
  }
  const total = files.reduce((sum, file) => sum + file.bytes, 0);
  console.log(
    `${'total'.padEnd(width)}  ${''.padStart(12)}  ${String(total).padStart(9)} bytes in ${dir}`,
  );
}

if (isEntryPoint(import.meta.url)) main().catch(failCli);
