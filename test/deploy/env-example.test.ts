import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/config.js';
import { REPO_ROOT } from './run-command.js';

/** Every variable of SPEC §3, in its order. Kept here so the test needs no file outside the repo. */
const SPEC_VARIABLES = [
  'NODE_ENV',
  'HOST',
  'PORT',
  'DASHPORT_DATA_DIR',
  'DASHPORT_DASHBOARDS_DIR',
  'DASHPORT_CACHE_DIR',
  'DATABASE_URL',
  'DASHPORT_PG_SCHEMAS',
  'REDIS_URL',
  'DASHPORT_REDIS_BREAKER_THRESHOLD',
  'DASHPORT_REDIS_BREAKER_RESET',
  'DASHPORT_WORKERS',
  'DASHPORT_WORKER_MEMORY_MB',
  'DASHPORT_MAX_REQUESTS',
  'DASHPORT_MAX_REQUESTS_JITTER',
  'DASHPORT_TIMEOUT',
  'DASHPORT_GRACEFUL_TIMEOUT',
  'DASHPORT_SHUTDOWN_DELAY',
  'DASHPORT_BODY_LIMIT_MB',
  'MEMORY_LIMIT_MB',
  'DASHPORT_MEMORY_WARN',
  'DASHPORT_MEMORY_CRITICAL',
  'DASHPORT_RATE_LIMIT',
  'DASHPORT_CORS_ORIGINS',
  'DASHPORT_TRUST_PROXY',
  'DASHPORT_API_TOKEN',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'SENTRY_DSN',
  'SENTRY_TRACES_SAMPLE_RATE',
  // SPEC §9, access control.
  'DASHPORT_AUTH',
  'DASHPORT_SESSION_SECRET',
  'DASHPORT_USERS_FILE',
  'DASHPORT_KEYS_FILE',
  'DASHPORT_PROXY_USER_HEADER',
  'DASHPORT_PROXY_GROUPS_HEADER',
  'DASHPORT_OIDC_ISSUER',
  'DASHPORT_OIDC_CLIENT_ID',
  'DASHPORT_OIDC_CLIENT_SECRET',
  'DASHPORT_OIDC_GROUPS_CLAIM',
  'DASHPORT_PUBLIC_URL',
  'DASHPORT_DEFAULT_ACCESS',
  'DASHPORT_EMBED_ORIGINS',
] as const;

/** Defaults from SPEC §3 that the example must show as they are. */
const SPEC_DEFAULTS: Record<string, string> = {
  NODE_ENV: 'development',
  PORT: '8050',
  DASHPORT_CACHE_DIR: './data_cache',
  DASHPORT_PG_SCHEMAS: 'public',
  DASHPORT_REDIS_BREAKER_THRESHOLD: '5',
  DASHPORT_REDIS_BREAKER_RESET: '60',
  DASHPORT_WORKERS: 'auto',
  DASHPORT_WORKER_MEMORY_MB: '256',
  DASHPORT_MAX_REQUESTS: '0',
  DASHPORT_MAX_REQUESTS_JITTER: '0',
  DASHPORT_TIMEOUT: '120',
  DASHPORT_GRACEFUL_TIMEOUT: '30',
  DASHPORT_SHUTDOWN_DELAY: '0',
  DASHPORT_BODY_LIMIT_MB: '16',
  DASHPORT_MEMORY_WARN: '75',
  DASHPORT_MEMORY_CRITICAL: '85',
  DASHPORT_RATE_LIMIT: '100/minute,1000/hour',
  DASHPORT_TRUST_PROXY: 'false',
  LOG_LEVEL: 'info',
  SENTRY_TRACES_SAMPLE_RATE: '0',
};

const text = readFileSync(path.join(REPO_ROOT, '.env.example'), 'utf8');
const lines = text.split('\n');

/** `# NAME=value` lines: the example value of each variable (commented out = default). */
function exampleValues(): Map<string, { value: string; line: number }> {
  const values = new Map<string, { value: string; line: number }>();
  lines.forEach((line, index) => {
    const match = /^#? ?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] !== undefined) values.set(match[1], { value: match[2] ?? '', line: index });
  });
  return values;
}

describe('.env.example', () => {
  const values = exampleValues();

  it('lists every variable of SPEC §3 and no other', () => {
    expect([...values.keys()].sort()).toEqual([...SPEC_VARIABLES].sort());
  });

  it('explains each variable in a comment right above it', () => {
    for (const name of SPEC_VARIABLES) {
      const entry = values.get(name);
      if (entry === undefined) throw new Error(`${name} missing`);
      // Walk up over sibling variables (pairs like HOST/PORT share one explanation).
      let above = entry.line - 1;
      while (above >= 0 && /^# ?[A-Z][A-Z0-9_]*=/.test(lines[above] ?? '')) above -= 1;
      const comment: string[] = [];
      while (
        above >= 0 &&
        /^# (?!-{5,})\S/.test(lines[above] ?? '') &&
        !/^# ?[A-Z][A-Z0-9_]*=/.test(lines[above] ?? '')
      ) {
        comment.unshift((lines[above] ?? '').slice(2));
        above -= 1;
      }
      expect(comment.join(' ').length, `comment above ${name}`).toBeGreaterThanOrEqual(20);
    }
  });

  it('shows the SPEC default where the example is the default', () => {
    for (const [name, value] of Object.entries(SPEC_DEFAULTS)) {
      expect(values.get(name)?.value, name).toBe(value);
    }
  });

  it("holds only values the server's config parser accepts", () => {
    const env = Object.fromEntries([...values].map(([name, entry]) => [name, entry.value]));
    const config = buildConfig(env, { cwd: REPO_ROOT, version: 'test' });
    expect(config.port).toBe(8050);
    expect(config.bodyLimitBytes).toBe(16 * 1024 * 1024);
    expect(config.rateLimit.map((w) => w.label)).toEqual(['100/minute', '1000/hour']);
  });

  it('leaves every line commented out, so a copy changes nothing until edited', () => {
    const active = lines.filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(active).toEqual([]);
  });
});
