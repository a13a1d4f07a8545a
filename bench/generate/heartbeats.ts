/**
 * Heartbeat CSV generator: N beats × 187 samples + label. At full precision it reproduces the
 * size and shape of the real Kaggle mitbih_train.csv (4,700 bytes a row; 110,000 rows ≈ 517 MB),
 * which is what the first-run CSV → Parquet conversion benchmark needs. Streams to disk with
 * bounded memory.
 *
 *   npx tsx bench/generate/heartbeats.ts --rows 110000 --out bench/.data/heartbeats-110k.csv
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { writeAtomically, type GeneratedFile } from './atomic-file.js';
import { failCli, isEntryPoint, parsePositiveInteger } from './cli.js';
import { heartbeatHeader, heartbeatLine, type HeartbeatPrecision } from './heartbeat-csv.js';
import { drawHeartbeatLabel, heartbeatWaveform } from './heartbeat-waveform.js';
import { createRandom } from './random.js';

/** Seed used when none is given, so two runs give byte-identical files. */
export const DEFAULT_HEARTBEAT_SEED = 187;

/** Rows joined into one write: ~2 MB at full precision, which keeps memory flat. */
const ROWS_PER_WRITE = 400;

export interface HeartbeatCsvOptions {
  /** Write the `c000..c186,label` header row (default true; the real file has none). */
  readonly header?: boolean;
  readonly seed?: number;
  /** 'full' (default) prints `%.18e` like the real file; a number rounds to that many decimals. */
  readonly precision?: HeartbeatPrecision;
}

/** Write `rows` heartbeat rows to `file` (atomically: temporary file, then rename). */
export async function generateHeartbeatsCsv(
  file: string,
  rows: number,
  options: HeartbeatCsvOptions = {},
): Promise<GeneratedFile> {
  const { header = true, seed = DEFAULT_HEARTBEAT_SEED, precision = 'full' } = options;
  const started = performance.now();
  const random = createRandom(seed);
  await writeAtomically(file, async (temporaryFile) => {
    const out = createWriteStream(temporaryFile);
    const closed = once(out, 'close');
    try {
      if (header) out.write(heartbeatHeader());
      for (let done = 0; done < rows;) {
        const batch: string[] = [];
        const end = Math.min(rows, done + ROWS_PER_WRITE);
        for (; done < end; done++) {
          const label = drawHeartbeatLabel(random);
          batch.push(heartbeatLine(heartbeatWaveform(label, random), label, precision));
        }
        if (!out.write(batch.join(''))) await once(out, 'drain');
      }
      out.end();
      await closed;
    } catch (error) {
      out.destroy();
      throw error;
    }
  });
  const { size } = await stat(file);
  return { file, rows, bytes: size, elapsedMs: performance.now() - started };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '110000' },
      out: { type: 'string', default: 'bench/.data/heartbeats-110k.csv' },
      seed: { type: 'string', default: String(DEFAULT_HEARTBEAT_SEED) },
      'no-header': { type: 'boolean', default: false },
      decimals: { type: 'string' },
    },
  });
  const rows = parsePositiveInteger('--rows', values.rows);
  const precision =
    values.decimals === undefined ? 'full' : parsePositiveInteger('--decimals', values.decimals);
  const result = await generateHeartbeatsCsv(values.out, rows, {
    header: !values['no-header'],
    seed: parsePositiveInteger('--seed', values.seed),
    precision,
  });
  console.log(
    `${result.file}: ${result.rows} rows, ${result.bytes} bytes in ${(result.elapsedMs / 1000).toFixed(1)} s`,
  );
}

if (isEntryPoint(import.meta.url)) main().catch(failCli);
