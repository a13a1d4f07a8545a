/**
 * `dashport demo-feed`: a DX-cluster simulator that appends a few radio spots every second to
 * the live `spots` example through the API, so the radio spots dashboard moves. Runs until
 * interrupted (or `--count` ticks); a tick the server rejects is reported and the feed goes on.
 */
import { Command, Option } from 'commander';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import { createSpotGenerator } from '../live/demo-spots.js';
import { postBatch } from '../live/ingest-client.js';
import { localUrl } from './context.js';

export interface DemoFeedFlags {
  readonly url?: string;
  readonly token?: string;
  readonly dataset: string;
  readonly interval: string;
  readonly rows: string;
  readonly count?: string;
  readonly seed: string;
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${name} must be a positive number, got "${text}"`);
  return value;
}

/** Runs the feed until `signal` aborts or `count` ticks are done; resolves with rows sent. */
export async function demoFeed(flags: DemoFeedFlags, signal?: AbortSignal): Promise<number> {
  const intervalMs = positive('--interval', flags.interval);
  const maxRows = Math.round(positive('--rows', flags.rows));
  const ticks =
    flags.count === undefined
      ? Number.POSITIVE_INFINITY
      : Math.round(positive('--count', flags.count));
  const config = loadConfig();
  const url = localUrl(config, flags.url);
  const token = flags.token ?? config.apiToken;
  const generator = createSpotGenerator(Number(flags.seed) || 7);
  let sent = 0;
  process.stderr.write(
    `demo-feed: appending up to ${maxRows} spots every ${intervalMs} ms to ${flags.dataset} at ${url} (Ctrl-C stops)\n`,
  );
  for (let tick = 0; tick < ticks && signal?.aborted !== true; tick += 1) {
    const started = Date.now();
    const spots = generator.next(new Date(), 1 + Math.floor(Math.random() * maxRows));
    try {
      sent += await postBatch({
        url,
        token,
        dataset: flags.dataset,
        format: 'json',
        body: JSON.stringify(spots),
      });
    } catch (error) {
      // The first tick failing means a wrong URL, token or dataset: stop and say so.
      if (sent === 0) throw error;
      process.stderr.write(`demo-feed: ${(error as Error).message}\n`);
    }
    if (tick + 1 < ticks) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - started)));
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
  process.stderr.write(`demo-feed: sent ${sent} spots\n`);
  return sent;
}

/** The `demo-feed` command, for the dispatcher. */
export function createDemoFeedCommand(): Command {
  // exitOverride: errors reach main.ts's catch like those of the dispatcher's own commands.
  return new Command('demo-feed')
    .exitOverride()
    .description(
      'append simulated radio spots every second to the live spots example (DX cluster simulator)',
    )
    .option('--url <url>', 'base URL of the server (default http://127.0.0.1:$PORT)')
    .option('--token <token>', 'bearer token (default DASHPORT_API_TOKEN)')
    .addOption(new Option('--dataset <id>', 'live dataset with the spots columns').default('spots'))
    .addOption(new Option('--interval <ms>', 'milliseconds between batches').default('1000'))
    .addOption(new Option('--rows <n>', 'at most this many spots per batch').default('5'))
    .option('--count <n>', 'stop after this many batches (default: run until interrupted)')
    .addOption(new Option('--seed <n>', 'random seed').default('7'))
    .action(async (flags: DemoFeedFlags) => {
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await demoFeed(flags, controller.signal);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
