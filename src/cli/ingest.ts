/**
 * `dashport ingest DATASET FILE|-`: append the rows of a CSV, NDJSON or JSON file (or stdin) to
 * a live dataset of a running server, in batches that are each written whole or not at all.
 * Stops at the first rejected batch, saying which and why; the batches before it stay written.
 */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import {
  DEFAULT_BATCH_ROWS,
  detectFormat,
  postBatch,
  splitBatches,
} from '../live/ingest-client.js';
import type { BatchFormat } from '../live/parse-batch.js';
import { localUrl } from './context.js';

export interface IngestFlags {
  readonly url?: string;
  readonly token?: string;
  readonly format?: BatchFormat;
  readonly batchSize: string;
}

async function readInput(file: string): Promise<string> {
  if (file !== '-') {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new UsageError(
        `FILE must be a readable file or - for stdin, got "${file}" (${(error as Error).message})`,
      );
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs the command; resolves with the rows inserted. */
export async function ingest(dataset: string, file: string, flags: IngestFlags): Promise<number> {
  const size = Number(flags.batchSize);
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new UsageError(`--batch-size must be a positive integer, got "${flags.batchSize}"`);
  }
  const config = loadConfig();
  const url = localUrl(config, flags.url);
  const token = flags.token ?? config.apiToken;
  const text = await readInput(file);
  const format = flags.format ?? detectFormat(file, text);
  const batches = splitBatches(text, format, size);
  let inserted = 0;
  for (const [index, body] of batches.entries()) {
    try {
      inserted += await postBatch({ url, token, dataset, format, body });
    } catch (error) {
      if (error instanceof Error) {
        error.message = `batch ${index + 1} of ${batches.length} (after ${inserted} rows inserted): ${error.message}`;
      }
      throw error;
    }
  }
  process.stdout.write(
    `inserted ${inserted} rows into ${dataset} (${batches.length} batch${batches.length === 1 ? '' : 'es'})\n`,
  );
  return inserted;
}

/** The `ingest` command, for the dispatcher. */
export function createIngestCommand(): Command {
  // exitOverride: errors reach main.ts's catch like those of the dispatcher's own commands.
  return new Command('ingest')
    .exitOverride()
    .description('append rows (CSV/NDJSON/JSON) to a live dataset through the API')
    .argument(
      '<dataset>',
      'id of a live dataset (live: true in dashport.yaml) or a PostgreSQL table',
    )
    .argument('<file>', 'CSV, NDJSON or JSON file, or - to read stdin')
    .option('--url <url>', 'base URL of the server (default http://127.0.0.1:$PORT)')
    .option('--token <token>', 'bearer token (default DASHPORT_API_TOKEN)')
    .addOption(
      new Option(
        '--format <format>',
        'input format (default: from the extension or the content)',
      ).choices(['csv', 'ndjson', 'json']),
    )
    .addOption(
      new Option('--batch-size <rows>', 'rows per request').default(String(DEFAULT_BATCH_ROWS)),
    )
    .action(async (dataset: string, file: string, flags: IngestFlags) => {
      await ingest(dataset, file, flags);
    });
}
