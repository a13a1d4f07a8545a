/**
 * The command dispatcher: one commander program, each command's module imported only when
 * that command runs, so `dashport healthcheck` starts in milliseconds.
 */
import { Command, Option } from 'commander';
import { VERSION } from '../config/load.js';
import { createDemoFeedCommand } from './demo-feed.js';
import { createEmbedCommand } from './embed.js';
import { createIngestCommand } from './ingest.js';
import { createKeysCommand } from './keys.js';
import { createUsersCommand } from './users.js';

export function createProgram(): Command {
  const program = new Command('dashport')
    .description('Serve a folder of data as a dashboard and a REST API, production-ready.')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command('serve')
    .description('production server: supervisor + workers on PORT (default 8050)')
    .argument(
      '[data-dir]',
      'folder of datasets (default: DASHPORT_DATA_DIR, else the bundled examples)',
    )
    .action(async (dataDir: string | undefined) => (await import('./serve.js')).serve(dataDir));

  program
    .command('dev')
    .description('one process, pretty logs, reloads dashboards and data on change')
    .argument(
      '[data-dir]',
      'folder of datasets (default: DASHPORT_DATA_DIR, else the bundled examples)',
    )
    .action(async (dataDir: string | undefined) => (await import('./dev.js')).dev(dataDir));

  const cache = program.command('cache').description('the columnar cache and precomputed analyses');
  cache
    .command('build')
    .description('build or verify the cache of every dataset (progress bar on a TTY)')
    .argument('[data-dir]', 'folder of datasets')
    .option('--force', 'rebuild even unchanged datasets')
    .option('--only <ids>', 'comma-separated dataset ids')
    .action(async (dataDir: string | undefined, flags: { force?: boolean; only?: string }) =>
      (await import('./cache.js')).cacheBuild(dataDir, flags),
    );
  cache
    .command('status')
    .description(
      'each dataset: fresh, stale, missing or broken; database: run in PostgreSQL, not cached',
    )
    .argument('[data-dir]', 'folder of datasets')
    .option('--json', 'machine-readable output')
    .option(
      '--wait <seconds>',
      'first wait until another process (a Kubernetes Job) has built every dataset; exit 1 past it',
    )
    .action(async (dataDir: string | undefined, flags: { json?: boolean; wait?: string }) =>
      (await import('./cache.js')).cacheStatus(dataDir, flags),
    );
  cache
    .command('clear')
    .description('delete the cache dir contents')
    .action(async () => (await import('./cache.js')).cacheClear());

  program
    .command('check')
    .description('pre-flight: config, data dir, cache dir, database and Redis; one line per check')
    .argument('[data-dir]', 'folder of datasets')
    .action(async (dataDir: string | undefined) => (await import('./check.js')).check(dataDir));

  program
    .command('healthcheck')
    .description('probe /health/quick with retries; exit 0 healthy, 1 not (for Docker HEALTHCHECK)')
    .option('--url <url>', 'base URL of the server (default http://127.0.0.1:$PORT)')
    .addOption(new Option('--retries <n>', 'attempts before giving up').default('3'))
    .addOption(new Option('--timeout <ms>', 'per-attempt timeout in milliseconds').default('2000'))
    .action(async (flags: { url?: string; retries: string; timeout: string }) =>
      (await import('./healthcheck.js')).healthcheck(flags),
    );

  program
    .command('status')
    .description("print a running server's /health as a table")
    .option('--url <url>', 'base URL of the server (default http://127.0.0.1:$PORT)')
    .option('--json', 'print the raw JSON')
    .action(async (flags: { url?: string; json?: boolean }) =>
      (await import('./status.js')).status(flags),
    );

  program.addCommand(createIngestCommand());
  program.addCommand(createDemoFeedCommand());
  program.addCommand(createEmbedCommand());
  program.addCommand(createUsersCommand());
  program.addCommand(createKeysCommand());

  return program;
}
