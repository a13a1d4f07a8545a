/**
 * `dashport serve`: the production server — a supervisor and its workers on one port
 * (src/supervisor). The config and the datasets' ids and settings are validated here, before any
 * process is forked, so a bad value stops the start with exit code 2 and its message.
 */
import cluster from 'node:cluster';
import { preflightDatasets } from '../engine/load-datasets.js';
import { serveCluster } from '../supervisor/serve-cluster.js';
import { createCliContext } from './context.js';

export async function serve(dataDir: string | undefined): Promise<void> {
  const { config, logger } = createCliContext(dataDir);
  // Once, in the process the user started; forked workers skip it.
  if (cluster.isPrimary) await preflightDatasets(config.dataDir);
  await serveCluster({ config, logger });
}
