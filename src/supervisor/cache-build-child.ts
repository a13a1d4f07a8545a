/**
 * The cache builder's process, forked by the supervisor: builds or verifies every dataset once
 * for the whole server and reports each commit, so the workers refresh their catalogs. A
 * separate process keeps DuckDB's build memory and the analyses' CPU-heavy math out of the
 * supervisor, whose event loop must stay free to watch the workers.
 */
import { buildCache } from '../engine/cache-builder.js';
import { createLogger } from '../logger.js';
import {
  type BuildEventMessage,
  type BuildReportMessage,
  type BuildRssMessage,
  type BuildStartMessage,
  isBuildStartMessage,
} from './cache-build-protocol.js';

const RSS_REPORT_MS = 1_000;

function send(message: BuildEventMessage | BuildRssMessage | BuildReportMessage): void {
  if (process.connected && process.send)
    process.send(message, undefined, undefined, () => undefined);
}

async function build(start: BuildStartMessage): Promise<number> {
  const logger = createLogger(
    { logLevel: start.logLevel, logFormat: start.logFormat, version: start.version },
    { role: 'cache-builder' },
  );
  const rss = setInterval(
    () => send({ type: 'dashport:build-rss', rssBytes: process.memoryUsage.rss() }),
    RSS_REPORT_MS,
  );
  rss.unref();
  try {
    const report = await buildCache(
      {
        dataDir: start.dataDir,
        cacheDir: start.cacheDir,
        ...(start.dashboardsDir === undefined ? {} : { dashboardsDir: start.dashboardsDir }),
        version: start.version,
        logger,
        memoryLimit: start.memoryLimit,
      },
      {
        onEvent: (event) =>
          send({
            type: 'dashport:build-event',
            id: event.id,
            status: event.status,
            progress: event.progress,
          }),
      },
    );
    send({
      type: 'dashport:build-report',
      seconds: report.seconds,
      outcomes: report.outcomes.map((o) => ({
        id: o.id,
        status: o.outcome.status,
        seconds: o.seconds,
      })),
    });
    return 0;
  } catch (error) {
    logger.error({ err: error }, 'cache build failed');
    return 1;
  } finally {
    clearInterval(rss);
  }
}

// The supervisor going away ends the build: a later start verifies and finishes it.
const orphaned = (): never => process.exit(1);
process.on('disconnect', orphaned);
process.once('message', (message: unknown) => {
  if (!isBuildStartMessage(message)) process.exit(2);
  void build(message).then((code) => {
    process.off('disconnect', orphaned);
    process.exitCode = code;
    process.disconnect();
  });
});
