/** `dashport cache build|status|clear`. */
import { rm } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { DashportError, UsageError } from '../errors.js';
import { buildCache, isBuildLockHeld } from '../engine/cache-builder.js';
import { waitForSettledCache } from '../engine/cache-wait.js';
import { cacheStatusReport, formatStatusTable } from '../engine/cache-status.js';
import { createCliContext } from './context.js';
import { readManifest } from '../engine/cache-store.js';
import { formatRollupTable, rollupSummaries } from '../engine/rollups/rollup-summary.js';
import { manifestVersion } from '../engine/rollups/rollup-store.js';

export async function cacheBuild(
  dataDir: string | undefined,
  flags: { force?: boolean; only?: string },
): Promise<void> {
  const { config, logger } = createCliContext(dataDir);
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        {
          format: 'cache |{bar}| {percentage}% | {dataset} {phase}',
          stream: process.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(100, 0, { dataset: '', phase: '' });
  const only = flags.only
    ?.split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const report = await buildCache(
    {
      dataDir: config.dataDir,
      cacheDir: config.cacheDir,
      dashboardsDir: config.dashboardsDir,
      version: config.version,
      logger: bar ? logger.child({}, { level: 'warn' }) : logger,
    },
    {
      ...(flags.force === undefined ? {} : { force: flags.force }),
      ...(only === undefined ? {} : { only }),
      onEvent: (event) => {
        const percent = Math.round(event.progress * 100);
        if (bar) bar.update(percent, { dataset: event.id, phase: event.phase ?? event.status });
        else if (event.status === 'building')
          logger.info(
            { dataset: event.id, phase: event.phase, progress: percent },
            `cache ${percent}%: ${event.id} ${event.phase ?? ''}`,
          );
      },
    },
  ).finally(() => {
    bar?.update(100);
    bar?.stop();
  });
  const failed = report.outcomes.filter((o) => o.outcome.status === 'failed');
  const built = report.outcomes.filter((o) => o.outcome.status === 'built').length;
  const fresh = report.outcomes.filter((o) => o.outcome.status === 'fresh').length;
  process.stdout.write(
    `cache: ${built} built, ${fresh} fresh, ${failed.length + report.problems.length} failed in ${report.seconds.toFixed(1)} s (${config.cacheDir})\n`,
  );
  for (const { id, outcome } of failed) {
    if (outcome.status === 'failed') process.stdout.write(`  ${id}: ${outcome.failure.message}\n`);
  }
  for (const problem of report.problems)
    process.stdout.write(`  ${problem.id}: ${problem.reason}\n`);
  if (failed.length + report.problems.length > 0) {
    throw new DashportError(
      'DASHPORT_ERR_DATA',
      `${failed.length + report.problems.length} dataset(s) failed to build; the others are cached`,
    );
  }
}

/** `--wait <seconds>` as milliseconds; a usage error names what is accepted. */
function waitMs(raw: string): number {
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`--wait: expected a number of seconds > 0, got "${raw}"`);
  return seconds * 1000;
}

export async function cacheStatus(
  dataDir: string | undefined,
  flags: { json?: boolean; wait?: string },
): Promise<void> {
  const { config, logger } = createCliContext(dataDir);
  const options = { postgres: config.databaseUrl !== undefined };
  const report =
    flags.wait === undefined
      ? await cacheStatusReport(config.dataDir, config.cacheDir, options)
      : await waitForSettledCache(
          {
            report: () => cacheStatusReport(config.dataDir, config.cacheDir, options),
            lockHeld: () => isBuildLockHeld(config.cacheDir),
            sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
            now: () => performance.now(),
            onWait: (pending, building) =>
              logger.info(
                { pending: pending.map((entry) => `${entry.id}:${entry.state}`), building },
                'waiting for the cache to be built',
              ),
          },
          waitMs(flags.wait),
        );
  // A dataset run in PostgreSQL has no rollups; an entry left from before it read PostgreSQL is not its.
  const cached = report.filter((entry) => entry.state !== 'database');
  const manifests = await Promise.all(
    cached.map((entry) => readManifest(config.cacheDir, entry.id)),
  );
  const rollups = await rollupSummaries(
    config.cacheDir,
    cached.map((entry, i) => {
      const manifest = manifests[i];
      return { id: entry.id, version: manifest ? manifestVersion(manifest) : 'missing' };
    }),
  );
  if (flags.json) {
    const withRollups = report.map((entry) => ({
      ...entry,
      rollups: rollups.filter((rollup) => rollup.dataset === entry.id),
    }));
    process.stdout.write(`${JSON.stringify(withRollups, null, 2)}\n`);
  } else {
    process.stdout.write(formatStatusTable(report));
    if (rollups.length > 0) process.stdout.write(`\n${formatRollupTable(rollups)}`);
  }
}

export async function cacheClear(): Promise<void> {
  const { config } = createCliContext(undefined);
  await rm(config.cacheDir, { recursive: true, force: true });
  process.stdout.write(`cache cleared: ${config.cacheDir}\n`);
}
