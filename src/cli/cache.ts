/** `dashport cache build|status|clear`. */
import { rm } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { DashportError } from '../errors.js';
import { buildCache } from '../engine/cache-builder.js';
import { cacheStatusReport, formatStatusTable } from '../engine/cache-status.js';
import { createCliContext } from './context.js';

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

export async function cacheStatus(
  dataDir: string | undefined,
  flags: { json?: boolean },
): Promise<void> {
  const { config } = createCliContext(dataDir);
  const report = await cacheStatusReport(config.dataDir, config.cacheDir);
  process.stdout.write(
    flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatusTable(report),
  );
}

export async function cacheClear(): Promise<void> {
  const { config } = createCliContext(undefined);
  await rm(config.cacheDir, { recursive: true, force: true });
  process.stdout.write(`cache cleared: ${config.cacheDir}\n`);
}
