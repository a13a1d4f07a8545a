/**
 * `dashport check`: pre-flight before a start. One line per check; exit 2 when the config or
 * the folders are unusable, 1 when a configured service is unreachable.
 */
import { access, constants, mkdir } from 'node:fs/promises';
import net from 'node:net';
import { ConfigError, DashportError } from '../errors.js';
import { loadDatasetSources } from '../engine/load-datasets.js';
import { createCliContext } from './context.js';

interface CheckLine {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly usage?: boolean;
}

/** Reachability of a TCP service, without credentials (they are the server's business). */
function reachable(
  url: string,
  defaultPort: number,
  timeoutMs = 2000,
): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({
      host: hostname || '127.0.0.1',
      port: Number(port || defaultPort),
    });
    const done = (error?: string) => {
      socket.destroy();
      resolve(error);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done());
    socket.once('error', (error) => done(error.message));
  });
}

export async function check(dataDir: string | undefined): Promise<void> {
  const lines: CheckLine[] = [];
  let context;
  try {
    context = createCliContext(dataDir, { logFormat: 'json' });
    lines.push({ name: 'config', ok: true, detail: `valid (${context.config.env})` });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stdout.write(`FAIL config: ${error.message}\n`);
      throw new ConfigError('configuration is invalid');
    }
    throw error;
  }
  const { config } = context;
  try {
    const sources = await loadDatasetSources(config.dataDir);
    lines.push({
      name: 'data dir',
      ok: true,
      detail: `${config.dataDir}: ${sources.sources.length} dataset(s)${sources.problems.length ? `, ${sources.problems.length} unreadable` : ''}`,
    });
  } catch (error) {
    lines.push({ name: 'data dir', ok: false, usage: true, detail: (error as Error).message });
  }
  try {
    await mkdir(config.cacheDir, { recursive: true });
    await access(config.cacheDir, constants.W_OK);
    lines.push({ name: 'cache dir', ok: true, detail: `${config.cacheDir} is writable` });
  } catch (error) {
    lines.push({
      name: 'cache dir',
      ok: false,
      usage: true,
      detail: `DASHPORT_CACHE_DIR must be a writable folder, got "${config.cacheDir}": ${(error as Error).message}`,
    });
  }
  if (config.databaseUrl !== undefined) {
    const error = await reachable(config.databaseUrl, 5432);
    lines.push({ name: 'database', ok: error === undefined, detail: error ?? 'reachable' });
  }
  if (config.redisUrl !== undefined) {
    const error = await reachable(config.redisUrl, 6379);
    lines.push({ name: 'redis', ok: error === undefined, detail: error ?? 'reachable' });
  }
  for (const line of lines)
    process.stdout.write(`${line.ok ? 'ok  ' : 'FAIL'} ${line.name}: ${line.detail}\n`);
  const failed = lines.filter((line) => !line.ok);
  if (failed.some((line) => line.usage)) throw new ConfigError(`${failed.length} check(s) failed`);
  if (failed.length > 0)
    throw new DashportError('DASHPORT_ERR_UNREACHABLE', `${failed.length} check(s) failed`);
}
