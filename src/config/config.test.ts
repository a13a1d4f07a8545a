import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, EXIT_USAGE } from '../errors.js';
import { BUNDLED_DATA_DIR, type Config, buildConfig } from './config.js';
import type { Env } from './parse-env.js';

const CWD = '/srv/app';

function config(env: Env, overrides?: Parameters<typeof buildConfig>[1]['overrides']): Config {
  return buildConfig(env, {
    cwd: CWD,
    version: '1.2.3',
    ...(overrides === undefined ? {} : { overrides }),
  });
}

/** The ConfigError that `env` causes; fails the test when there is none. */
function configError(env: Env): ConfigError {
  try {
    config(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(env)}`);
}

describe('buildConfig defaults (SPEC §3)', () => {
  const defaults = config({});

  it('has every documented default', () => {
    expect(defaults).toMatchObject({
      env: 'development',
      isProduction: false,
      version: '1.2.3',
      host: '127.0.0.1',
      port: 8050,
      dataDir: BUNDLED_DATA_DIR,
      usingBundledExamples: true,
      dashboardsDir: path.join(BUNDLED_DATA_DIR, 'dashboards'),
      cacheDir: path.join(CWD, 'data_cache'),
      databaseUrl: undefined,
      pgSchemas: ['public'],
      redisUrl: undefined,
      redisBreakerThreshold: 5,
      redisBreakerResetSeconds: 60,
      workers: 'auto',
      workerMemoryMb: 256,
      maxRequests: 0,
      maxRequestsJitter: 0,
      timeoutSeconds: 120,
      gracefulTimeoutSeconds: 30,
      shutdownDelaySeconds: 0,
      bodyLimitBytes: 16 * 1024 * 1024,
      memoryLimitMb: undefined,
      memoryWarnPercent: 75,
      memoryCriticalPercent: 85,
      corsOrigins: [],
      trustProxy: false,
      apiToken: undefined,
      logLevel: 'info',
      logFormat: 'text',
      sentryDsn: undefined,
      sentryTracesSampleRate: 0,
    });
    expect(defaults.rateLimit).toEqual([
      { max: 100, windowSeconds: 60, label: '100/minute' },
      { max: 1000, windowSeconds: 3600, label: '1000/hour' },
    ]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(defaults)).toBe(true);
    expect(() => {
      (defaults as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('treats empty and blank values as unset', () => {
    expect(config({ PORT: '', HOST: '   ', LOG_LEVEL: '' })).toMatchObject({
      port: 8050,
      host: '127.0.0.1',
      logLevel: 'info',
    });
  });
});

describe('NODE_ENV', () => {
  it('production binds every interface and logs JSON', () => {
    expect(config({ NODE_ENV: 'production' })).toMatchObject({
      env: 'production',
      isProduction: true,
      host: '0.0.0.0',
      logFormat: 'json',
    });
  });
  it('accepts test and any case', () => {
    expect(config({ NODE_ENV: 'test' }).env).toBe('test');
    expect(config({ NODE_ENV: 'Production' }).env).toBe('production');
  });
  it('an override wins over the variable', () => {
    expect(config({ NODE_ENV: 'production' }, { env: 'development' }).env).toBe('development');
  });
  it('rejects anything else', () => {
    expect(configError({ NODE_ENV: 'staging' }).message).toBe(
      'NODE_ENV must be one of development, production, test, got "staging"',
    );
  });
});

describe('HOST and PORT', () => {
  it('keeps an explicit HOST in either environment', () => {
    expect(config({ HOST: '::1' }).host).toBe('::1');
    expect(config({ NODE_ENV: 'production', HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
  });
  it('reads PORT', () => {
    expect(config({ PORT: '1' }).port).toBe(1);
    expect(config({ PORT: ' 9000 ' }).port).toBe(9000);
    expect(config({ PORT: '65535' }).port).toBe(65_535);
  });
  it.each(['abc', '0', '65536', '80.5', '-1', '1e3', '0x50'])(
    'rejects PORT=%j naming the value and the range',
    (value) => {
      const error = configError({ PORT: value });
      expect(error.message).toBe(`PORT must be an integer 1-65535, got "${value}"`);
      expect(error.parameter).toBe('PORT');
      expect(error.code).toBe('DASHPORT_ERR_CONFIG');
      expect(error.exitCode).toBe(EXIT_USAGE);
    },
  );
});

describe('data, dashboards and cache dirs', () => {
  it('resolves DASHPORT_DATA_DIR against the working directory', () => {
    const c = config({ DASHPORT_DATA_DIR: 'data' });
    expect(c.dataDir).toBe(path.join(CWD, 'data'));
    expect(c.usingBundledExamples).toBe(false);
    expect(c.dashboardsDir).toBe(path.join(CWD, 'data', 'dashboards'));
  });
  it('the CLI argument wins over DASHPORT_DATA_DIR', () => {
    expect(config({ DASHPORT_DATA_DIR: '/a' }, { dataDir: '/b' }).dataDir).toBe('/b');
  });
  it('reads DASHPORT_DASHBOARDS_DIR and DASHPORT_CACHE_DIR', () => {
    const c = config({ DASHPORT_DASHBOARDS_DIR: '/etc/dashboards', DASHPORT_CACHE_DIR: 'cache' });
    expect(c.dashboardsDir).toBe('/etc/dashboards');
    expect(c.cacheDir).toBe(path.join(CWD, 'cache'));
  });
});

describe('DATABASE_URL and DASHPORT_PG_SCHEMAS', () => {
  it('accepts postgres:// and postgresql:// URLs', () => {
    expect(config({ DATABASE_URL: 'postgres://u:p@db:5432/x' }).databaseUrl).toBe(
      'postgres://u:p@db:5432/x',
    );
    expect(config({ DATABASE_URL: 'postgresql://db/x' }).databaseUrl).toBe('postgresql://db/x');
  });
  it('rejects another scheme without echoing the password', () => {
    const error = configError({ DATABASE_URL: 'mysql://admin:hunter2@db/x' });
    expect(error.message).toBe(
      'DATABASE_URL must be a URL starting with postgres:// or postgresql://, got "mysql://…"',
    );
    expect(error.message).not.toContain('hunter2');
    expect(error.parameter).toBe('DATABASE_URL');
  });
  it('rejects a value that is not a URL without echoing it', () => {
    const error = configError({ DATABASE_URL: 'admin:hunter2 at db' });
    expect(error.message).toMatch(/^DATABASE_URL must be a URL starting with postgres:\/\//);
    expect(error.message).not.toContain('hunter2');
  });
  it('reads the schema list', () => {
    expect(config({ DASHPORT_PG_SCHEMAS: 'public, sales ,,ops' }).pgSchemas).toEqual([
      'public',
      'sales',
      'ops',
    ]);
  });
});

describe('REDIS_URL and the breaker', () => {
  it('accepts redis:// and rediss://', () => {
    expect(config({ REDIS_URL: 'redis://127.0.0.1:6379/0' }).redisUrl).toBe(
      'redis://127.0.0.1:6379/0',
    );
    expect(config({ REDIS_URL: 'rediss://:pw@cache:6380' }).redisUrl).toBe(
      'rediss://:pw@cache:6380',
    );
  });
  it('rejects another scheme without echoing the password', () => {
    const error = configError({ REDIS_URL: 'http://:hunter2@cache:6379' });
    expect(error.message).toBe(
      'REDIS_URL must be a URL starting with redis:// or rediss://, got "http://…"',
    );
    expect(error.message).not.toContain('hunter2');
  });
  it('reads the breaker threshold and reset', () => {
    expect(
      config({ DASHPORT_REDIS_BREAKER_THRESHOLD: '3', DASHPORT_REDIS_BREAKER_RESET: '0.5' }),
    ).toMatchObject({
      redisBreakerThreshold: 3,
      redisBreakerResetSeconds: 0.5,
    });
  });
  it('rejects bad breaker settings', () => {
    expect(configError({ DASHPORT_REDIS_BREAKER_THRESHOLD: '0' }).message).toBe(
      'DASHPORT_REDIS_BREAKER_THRESHOLD must be an integer 1-1000, got "0"',
    );
    expect(configError({ DASHPORT_REDIS_BREAKER_RESET: 'soon' }).message).toBe(
      'DASHPORT_REDIS_BREAKER_RESET must be a number 0.1-86400, got "soon"',
    );
  });
});

describe('workers and recycling', () => {
  it('reads DASHPORT_WORKERS as auto or a count', () => {
    expect(config({ DASHPORT_WORKERS: 'AUTO' }).workers).toBe('auto');
    expect(config({ DASHPORT_WORKERS: '4' }).workers).toBe(4);
  });
  it.each(['0', '257', 'many', '2.5'])('rejects DASHPORT_WORKERS=%j', (value) => {
    const error = configError({ DASHPORT_WORKERS: value });
    expect(error.message).toBe(
      `DASHPORT_WORKERS must be "auto" or an integer 1-256, got "${value}"`,
    );
    expect(error.parameter).toBe('DASHPORT_WORKERS');
  });
  it('reads the memory budget and the request limits', () => {
    expect(
      config({
        DASHPORT_WORKER_MEMORY_MB: '512',
        DASHPORT_MAX_REQUESTS: '1000',
        DASHPORT_MAX_REQUESTS_JITTER: '50',
      }),
    ).toMatchObject({ workerMemoryMb: 512, maxRequests: 1000, maxRequestsJitter: 50 });
  });
  it('rejects values out of range', () => {
    expect(configError({ DASHPORT_WORKER_MEMORY_MB: '16' }).message).toBe(
      'DASHPORT_WORKER_MEMORY_MB must be an integer 32-1048576, got "16"',
    );
    expect(configError({ DASHPORT_MAX_REQUESTS: '-1' }).message).toBe(
      'DASHPORT_MAX_REQUESTS must be an integer 0-1000000000, got "-1"',
    );
    expect(configError({ DASHPORT_MAX_REQUESTS_JITTER: 'some' }).message).toBe(
      'DASHPORT_MAX_REQUESTS_JITTER must be an integer 0-1000000000, got "some"',
    );
  });
});

describe('timeouts and body limit', () => {
  it('reads seconds, fractions allowed', () => {
    expect(
      config({
        DASHPORT_TIMEOUT: '2.5',
        DASHPORT_GRACEFUL_TIMEOUT: '0',
        DASHPORT_SHUTDOWN_DELAY: '5',
      }),
    ).toMatchObject({ timeoutSeconds: 2.5, gracefulTimeoutSeconds: 0, shutdownDelaySeconds: 5 });
  });
  it('rejects out-of-range or non-numeric seconds', () => {
    expect(configError({ DASHPORT_TIMEOUT: '0' }).message).toBe(
      'DASHPORT_TIMEOUT must be a number 0.1-86400, got "0"',
    );
    expect(configError({ DASHPORT_GRACEFUL_TIMEOUT: '30s' }).message).toBe(
      'DASHPORT_GRACEFUL_TIMEOUT must be a number 0-86400, got "30s"',
    );
    expect(configError({ DASHPORT_SHUTDOWN_DELAY: '-1' }).message).toBe(
      'DASHPORT_SHUTDOWN_DELAY must be a number 0-3600, got "-1"',
    );
  });
  it('turns DASHPORT_BODY_LIMIT_MB into bytes', () => {
    expect(config({ DASHPORT_BODY_LIMIT_MB: '1' }).bodyLimitBytes).toBe(1_048_576);
    expect(config({ DASHPORT_BODY_LIMIT_MB: '0.5' }).bodyLimitBytes).toBe(524_288);
    expect(configError({ DASHPORT_BODY_LIMIT_MB: '0' }).message).toBe(
      'DASHPORT_BODY_LIMIT_MB must be a number 0.001-4096, got "0"',
    );
  });
});

describe('memory', () => {
  it('reads MEMORY_LIMIT_MB and the thresholds', () => {
    expect(
      config({
        MEMORY_LIMIT_MB: '1024',
        DASHPORT_MEMORY_WARN: '60',
        DASHPORT_MEMORY_CRITICAL: '90',
      }),
    ).toMatchObject({ memoryLimitMb: 1024, memoryWarnPercent: 60, memoryCriticalPercent: 90 });
  });
  it('rejects a tiny or non-integer memory limit', () => {
    expect(configError({ MEMORY_LIMIT_MB: '8' }).message).toBe(
      'MEMORY_LIMIT_MB must be an integer 16-16777216, got "8"',
    );
    expect(configError({ MEMORY_LIMIT_MB: '1GB' }).message).toBe(
      'MEMORY_LIMIT_MB must be an integer 16-16777216, got "1GB"',
    );
  });
  it('rejects percentages outside 1-100', () => {
    expect(configError({ DASHPORT_MEMORY_WARN: '101' }).message).toBe(
      'DASHPORT_MEMORY_WARN must be a number 1-100, got "101"',
    );
    expect(configError({ DASHPORT_MEMORY_CRITICAL: 'high' }).message).toBe(
      'DASHPORT_MEMORY_CRITICAL must be a number 1-100, got "high"',
    );
  });
  it('requires CRITICAL above WARN', () => {
    const error = configError({ DASHPORT_MEMORY_WARN: '90', DASHPORT_MEMORY_CRITICAL: '80' });
    expect(error.message).toBe(
      'DASHPORT_MEMORY_CRITICAL must be greater than DASHPORT_MEMORY_WARN (90), got "80"',
    );
    expect(error.parameter).toBe('DASHPORT_MEMORY_CRITICAL');
  });
});

describe('DASHPORT_RATE_LIMIT', () => {
  it('turns off', () => {
    expect(config({ DASHPORT_RATE_LIMIT: 'off' }).rateLimit).toEqual([]);
  });
  it('reads windows with plural and multiplied units', () => {
    expect(config({ DASHPORT_RATE_LIMIT: '10/second, 500/2hours' }).rateLimit).toEqual([
      { max: 10, windowSeconds: 1, label: '10/second' },
      { max: 500, windowSeconds: 7200, label: '500/2hours' },
    ]);
  });
  it.each(['lots', '10/fortnight', '0/minute', '100'])('rejects %j', (value) => {
    const error = configError({ DASHPORT_RATE_LIMIT: value });
    expect(error.message).toBe(
      `DASHPORT_RATE_LIMIT must be "off" or a comma-separated list of N/unit with unit second, minute, hour or day (e.g. 100/minute,1000/hour), got "${value}"`,
    );
  });
});

describe('DASHPORT_CORS_ORIGINS', () => {
  it('reads origins and *', () => {
    expect(
      config({ DASHPORT_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' })
        .corsOrigins,
    ).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(config({ DASHPORT_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
  });
  it.each(['https://app.example.com/path', 'app.example.com', 'ftp://files.example.com'])(
    'rejects %j',
    (value) => {
      const error = configError({ DASHPORT_CORS_ORIGINS: value });
      expect(error.message).toContain(
        'DASHPORT_CORS_ORIGINS must be a comma-separated list of origins',
      );
      expect(error.message).toContain(`got "${value}"`);
    },
  );
});

describe('DASHPORT_TRUST_PROXY', () => {
  it.each([
    ['true', true],
    ['off', false],
    ['2', 2],
    ['loopback, 10.0.0.0/8', 'loopback,10.0.0.0/8'],
    ['::1', '::1'],
  ] as const)('%j → %j', (value, expected) => {
    expect(config({ DASHPORT_TRUST_PROXY: value }).trustProxy).toBe(expected);
  });
  it('rejects anything else', () => {
    expect(configError({ DASHPORT_TRUST_PROXY: 'nginx' }).message).toBe(
      'DASHPORT_TRUST_PROXY must be true, false, a hop count or a comma-separated list of addresses/CIDRs (loopback, 10.0.0.0/8), got "nginx"',
    );
  });
});

describe('DASHPORT_API_TOKEN', () => {
  it('is unset by default and kept as given', () => {
    expect(config({ DASHPORT_API_TOKEN: 's3cr3t-token' }).apiToken).toBe('s3cr3t-token');
  });
  it('never appears in another variable’s error', () => {
    const error = configError({ DASHPORT_API_TOKEN: 's3cr3t-token', PORT: 'x' });
    expect(error.message).not.toContain('s3cr3t-token');
  });
});

describe('LOG_LEVEL and LOG_FORMAT', () => {
  it('reads them in any case', () => {
    expect(config({ LOG_LEVEL: 'DEBUG', LOG_FORMAT: 'JSON' })).toMatchObject({
      logLevel: 'debug',
      logFormat: 'json',
    });
    expect(config({ NODE_ENV: 'production', LOG_FORMAT: 'text' }).logFormat).toBe('text');
  });
  it('rejects unknown values', () => {
    expect(configError({ LOG_LEVEL: 'verbose' }).message).toBe(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    );
    expect(configError({ LOG_FORMAT: 'xml' }).message).toBe(
      'LOG_FORMAT must be one of text, json, got "xml"',
    );
  });
});

describe('SENTRY_DSN and SENTRY_TRACES_SAMPLE_RATE', () => {
  it('accepts a DSN and a rate', () => {
    const dsn = 'https://abc123@o0.ingest.sentry.io/42';
    expect(config({ SENTRY_DSN: dsn, SENTRY_TRACES_SAMPLE_RATE: '0.25' })).toMatchObject({
      sentryDsn: dsn,
      sentryTracesSampleRate: 0.25,
    });
  });
  it.each(['https://o0.ingest.sentry.io/42', 'abc123-not-a-dsn', 'ftp://abc123@host/1'])(
    'rejects %j without echoing it',
    (value) => {
      const error = configError({ SENTRY_DSN: value });
      expect(error.message).toBe(
        'SENTRY_DSN must be a Sentry DSN like https://<key>@<host>/<project>, got a value that is not one',
      );
      expect(error.parameter).toBe('SENTRY_DSN');
    },
  );
  it('rejects a rate outside 0-1', () => {
    expect(configError({ SENTRY_TRACES_SAMPLE_RATE: '2' }).message).toBe(
      'SENTRY_TRACES_SAMPLE_RATE must be a number 0-1, got "2"',
    );
  });
});
