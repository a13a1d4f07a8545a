/**
 * `dashport healthcheck`: for Docker's HEALTHCHECK without curl. GET /health/quick with
 * retries and exponential backoff; exit 0 when healthy or degraded (serving), 1 otherwise.
 */
import { DashportError, UsageError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { localUrl } from './context.js';

const BACKOFF_BASE_MS = 250;

export async function healthcheck(flags: {
  url?: string;
  retries: string;
  timeout: string;
}): Promise<void> {
  const retries = Number(flags.retries);
  const timeoutMs = Number(flags.timeout);
  if (!Number.isInteger(retries) || retries < 1 || retries > 100) {
    throw new UsageError(`--retries must be an integer 1-100, got "${flags.retries}"`);
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs < 10) {
    throw new UsageError(
      `--timeout must be an integer number of milliseconds ≥ 10, got "${flags.timeout}"`,
    );
  }
  const base = localUrl(flags.url === undefined ? loadConfig() : { port: 0 }, flags.url);
  let lastProblem = '';
  for (let attempt = 1; attempt <= retries; attempt++) {
    try {
      const response = await fetch(`${base}/health/quick`, {
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = (await response.json().catch(() => ({}))) as { status?: string };
      if (response.ok && (body.status === 'healthy' || body.status === 'degraded')) {
        process.stdout.write(`${body.status}\n`);
        return;
      }
      lastProblem = `HTTP ${response.status} ${body.status ?? ''}`.trim();
    } catch (error) {
      lastProblem =
        (error as Error).cause instanceof Error
          ? ((error as Error).cause as Error).message
          : (error as Error).message;
    }
    if (attempt < retries)
      await new Promise((resolve) => setTimeout(resolve, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
  }
  throw new DashportError(
    'DASHPORT_ERR_UNREACHABLE',
    `unhealthy after ${retries} attempt(s): ${base}/health/quick: ${lastProblem}`,
  );
}
