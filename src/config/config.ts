/**
 * The one typed configuration object. Built once at start from the environment (plus an
 * optional `.env`), validated, frozen and passed explicitly; nothing else reads `process.env`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import { type AuthConfig, parseAuthConfig } from './auth-config.js';
import {
  type Env,
  type RateLimitWindow,
  parseRateLimit,
  readEnum,
  readInt,
  readList,
  readNumber,
  readPercent,
  readString,
  readUrl,
} from './parse-env.js';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly env: NodeEnv;
  readonly isProduction: boolean;
  readonly version: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** True when no data dir was given and the bundled examples are served. */
  readonly usingBundledExamples: boolean;
  readonly dashboardsDir: string;
  readonly cacheDir: string;
  readonly databaseUrl: string | undefined;
  readonly pgSchemas: readonly string[];
  readonly redisUrl: string | undefined;
  readonly redisBreakerThreshold: number;
  readonly redisBreakerResetSeconds: number;
  /** `auto` or an explicit count. */
  readonly workers: number | 'auto';
  readonly workerMemoryMb: number;
  readonly maxRequests: number;
  readonly maxRequestsJitter: number;
  readonly timeoutSeconds: number;
  readonly gracefulTimeoutSeconds: number;
  readonly shutdownDelaySeconds: number;
  readonly bodyLimitBytes: number;
  /** Explicit budget; undefined means: detect from the cgroup, else total RAM. */
  readonly memoryLimitMb: number | undefined;
  readonly memoryWarnPercent: number;
  readonly memoryCriticalPercent: number;
  /** Empty when rate limiting is off. */
  readonly rateLimit: readonly RateLimitWindow[];
  readonly corsOrigins: readonly string[];
  /** Passed to Fastify's `trustProxy`: false, true, a hop count or a list of addresses/CIDRs. */
  readonly trustProxy: boolean | number | string;
  readonly apiToken: string | undefined;
  readonly logLevel: LogLevel;
  readonly logFormat: 'text' | 'json';
  readonly sentryDsn: string | undefined;
  readonly sentryTracesSampleRate: number;
  /** Access control (SPEC §9); `auth.enabled` is false by default. */
  readonly auth: AuthConfig;
}

/** Where the package lives, so the bundled examples and the web build are found from dist/ or src/. */
export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(start: string): string {
  // src/config → root, dist/src/config → root
  const parts = start.split(path.sep);
  const distIndex = parts.lastIndexOf('dist');
  if (distIndex > 0) return parts.slice(0, distIndex).join(path.sep) || path.sep;
  return path.resolve(start, '..', '..');
}

export const BUNDLED_DATA_DIR = path.join(PACKAGE_ROOT, 'examples', 'data');

export interface ConfigOverrides {
  /** The DATA_DIR argument of `serve`/`dev`; wins over DASHPORT_DATA_DIR. */
  readonly dataDir?: string | undefined;
  readonly env?: NodeEnv;
}

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/** Build the frozen Config from an environment map; throws ConfigError on any invalid value. */
export function buildConfig(
  env: Env,
  options: { cwd: string; version: string; overrides?: ConfigOverrides },
): Config {
  const overrides = options.overrides ?? {};
  const nodeEnv =
    overrides.env ??
    readEnum<NodeEnv>(env, 'NODE_ENV', 'development', ['development', 'production', 'test']);
  const isProduction = nodeEnv === 'production';

  const host = readString(env, 'HOST') ?? (isProduction ? '0.0.0.0' : '127.0.0.1');
  const port = readInt(env, 'PORT', 8050, 1, 65_535);

  const dataDirRaw = overrides.dataDir ?? readString(env, 'DASHPORT_DATA_DIR');
  const dataDir =
    dataDirRaw === undefined ? BUNDLED_DATA_DIR : path.resolve(options.cwd, dataDirRaw);
  const dashboardsRaw = readString(env, 'DASHPORT_DASHBOARDS_DIR');
  const dashboardsDir =
    dashboardsRaw === undefined
      ? path.join(dataDir, 'dashboards')
      : path.resolve(options.cwd, dashboardsRaw);
  const cacheDir = path.resolve(
    options.cwd,
    readString(env, 'DASHPORT_CACHE_DIR') ?? './data_cache',
  );

  const workersRaw = readString(env, 'DASHPORT_WORKERS');
  let workers: number | 'auto' = 'auto';
  if (workersRaw !== undefined && workersRaw.toLowerCase() !== 'auto') {
    if (!/^\d+$/.test(workersRaw) || Number(workersRaw) < 1 || Number(workersRaw) > 256) {
      throw new ConfigError(
        `DASHPORT_WORKERS must be "auto" or an integer 1-256, got "${workersRaw}"`,
        'DASHPORT_WORKERS',
      );
    }
    workers = Number(workersRaw);
  }

  const memoryWarnPercent = readPercent(env, 'DASHPORT_MEMORY_WARN', 75);
  const memoryCriticalPercent = readPercent(env, 'DASHPORT_MEMORY_CRITICAL', 85);
  if (memoryCriticalPercent <= memoryWarnPercent) {
    throw new ConfigError(
      `DASHPORT_MEMORY_CRITICAL must be greater than DASHPORT_MEMORY_WARN (${memoryWarnPercent}), got "${memoryCriticalPercent}"`,
      'DASHPORT_MEMORY_CRITICAL',
    );
  }

  const memoryLimitRaw = readString(env, 'MEMORY_LIMIT_MB');
  const memoryLimitMb =
    memoryLimitRaw === undefined ? undefined : readInt(env, 'MEMORY_LIMIT_MB', 0, 16, 16_777_216);

  const rateLimit = parseRateLimit(
    'DASHPORT_RATE_LIMIT',
    readString(env, 'DASHPORT_RATE_LIMIT') ?? '100/minute,1000/hour',
  );

  const origins = readList(env, 'DASHPORT_CORS_ORIGINS');
  for (const origin of origins) {
    if (origin === '*') continue;
    let ok: boolean;
    try {
      const url = new URL(origin);
      ok =
        (url.protocol === 'http:' || url.protocol === 'https:') &&
        url.origin === origin.replace(/\/$/, '');
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new ConfigError(
        `DASHPORT_CORS_ORIGINS must be a comma-separated list of origins like https://example.com (scheme, host and optional port, no path) or *, got "${origin}"`,
        'DASHPORT_CORS_ORIGINS',
      );
    }
  }

  const trustProxy = parseTrustProxy(readString(env, 'DASHPORT_TRUST_PROXY'));

  const logFormat = readEnum(env, 'LOG_FORMAT', isProduction ? 'json' : 'text', ['text', 'json']);
  const logLevel = readEnum<LogLevel>(env, 'LOG_LEVEL', 'info', LOG_LEVELS);

  const config: Config = {
    env: nodeEnv,
    isProduction,
    version: options.version,
    host,
    port,
    dataDir,
    usingBundledExamples: dataDirRaw === undefined,
    dashboardsDir,
    cacheDir,
    databaseUrl: readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    pgSchemas:
      readList(env, 'DASHPORT_PG_SCHEMAS').length > 0
        ? readList(env, 'DASHPORT_PG_SCHEMAS')
        : ['public'],
    redisUrl: readUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisBreakerThreshold: readInt(env, 'DASHPORT_REDIS_BREAKER_THRESHOLD', 5, 1, 1000),
    redisBreakerResetSeconds: readNumber(env, 'DASHPORT_REDIS_BREAKER_RESET', 60, 0.1, 86_400),
    workers,
    workerMemoryMb: readInt(env, 'DASHPORT_WORKER_MEMORY_MB', 256, 32, 1_048_576),
    maxRequests: readInt(env, 'DASHPORT_MAX_REQUESTS', 0, 0, 1_000_000_000),
    maxRequestsJitter: readInt(env, 'DASHPORT_MAX_REQUESTS_JITTER', 0, 0, 1_000_000_000),
    timeoutSeconds: readNumber(env, 'DASHPORT_TIMEOUT', 120, 0.1, 86_400),
    gracefulTimeoutSeconds: readNumber(env, 'DASHPORT_GRACEFUL_TIMEOUT', 30, 0, 86_400),
    shutdownDelaySeconds: readNumber(env, 'DASHPORT_SHUTDOWN_DELAY', 0, 0, 3600),
    bodyLimitBytes: Math.round(
      readNumber(env, 'DASHPORT_BODY_LIMIT_MB', 16, 0.001, 4096) * 1024 * 1024,
    ),
    memoryLimitMb,
    memoryWarnPercent,
    memoryCriticalPercent,
    rateLimit,
    corsOrigins: origins,
    trustProxy,
    apiToken: readString(env, 'DASHPORT_API_TOKEN'),
    logLevel,
    logFormat,
    sentryDsn: readSentryDsn(env),
    sentryTracesSampleRate: readNumber(env, 'SENTRY_TRACES_SAMPLE_RATE', 0, 0, 1),
    auth: parseAuthConfig(env, { cwd: options.cwd }),
  };
  return Object.freeze(config);
}

function parseTrustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined) return false;
  const lower = raw.toLowerCase();
  if (['true', 'yes', 'on'].includes(lower)) return true;
  if (['false', 'no', 'off'].includes(lower)) return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  const parts = raw.split(',').map((part) => part.trim());
  const address = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;
  if (
    parts.every(
      (part) => address.test(part) || ['loopback', 'linklocal', 'uniquelocal'].includes(part),
    )
  ) {
    return parts.join(',');
  }
  throw new ConfigError(
    `DASHPORT_TRUST_PROXY must be true, false, a hop count or a comma-separated list of addresses/CIDRs (loopback, 10.0.0.0/8), got "${raw}"`,
    'DASHPORT_TRUST_PROXY',
  );
}

function readSentryDsn(env: Env): string | undefined {
  const raw = readString(env, 'SENTRY_DSN');
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.username !== '') return raw;
  } catch {
    // fall through to the error, which never echoes the DSN (it carries a key)
  }
  throw new ConfigError(
    'SENTRY_DSN must be a Sentry DSN like https://<key>@<host>/<project>, got a value that is not one',
    'SENTRY_DSN',
  );
}
