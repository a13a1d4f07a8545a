/** What every command starts from: the validated config and a logger made from it. */
import type { Config, NodeEnv } from '../config/config.js';
import { loadConfig } from '../config/load.js';
import { type Logger, createLogger } from '../logger.js';

export interface CliContext {
  readonly config: Config;
  readonly logger: Logger;
}

export function createCliContext(
  dataDir: string | undefined,
  overrides: { env?: NodeEnv; logFormat?: 'text' | 'json' } = {},
): CliContext {
  const config = loadConfig({
    dataDir,
    ...(overrides.env === undefined ? {} : { env: overrides.env }),
  });
  const logger = createLogger(
    overrides.logFormat === undefined ? config : { ...config, logFormat: overrides.logFormat },
  );
  return { config, logger };
}

/** The base URL of the local server for client commands. */
export function localUrl(config: Pick<Config, 'port'>, url: string | undefined): string {
  return (url ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, '');
}
