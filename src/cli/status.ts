/** `dashport status`: a running server's /health as a readable table. */
import { DashportError } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { localUrl } from './context.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function flatten(prefix: string, value: Json, out: [string, string][]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value))
      flatten(prefix ? `${prefix}.${key}` : key, inner, out);
  } else {
    out.push([prefix, Array.isArray(value) ? JSON.stringify(value) : String(value)]);
  }
}

export async function status(flags: { url?: string; json?: boolean }): Promise<void> {
  const base = localUrl(flags.url === undefined ? loadConfig() : { port: 0 }, flags.url);
  let body: Json;
  try {
    const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) });
    body = (await response.json()) as Json;
  } catch (error) {
    throw new DashportError(
      'DASHPORT_ERR_UNREACHABLE',
      `cannot read ${base}/health: ${(error as Error).message}`,
    );
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  const rows: [string, string][] = [];
  flatten('', body, rows);
  const width = Math.max(...rows.map(([key]) => key.length));
  process.stdout.write(
    rows.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join('\n') + '\n',
  );
}
