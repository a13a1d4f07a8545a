/**
 * The pino logger factory. JSON in production, one readable line per event in development.
 * Secrets never reach a log line: known fields are redacted and URLs lose their passwords.
 */
import pino, { type Logger } from 'pino';
import type { Config } from './config/config.js';

export type { Logger } from 'pino';

/** Paths pino censors wherever they appear in a log object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'authorization',
  'token',
  'apiToken',
  'password',
  'config.apiToken',
  'config.sentryDsn',
  'config.databaseUrl',
  'config.redisUrl',
  'dsn',
];

/** OAuth values a URL may carry (the OIDC callback's `?code=`): redacted like passwords. */
const OAUTH_QUERY_SECRETS = /([?&](?:code|id_token|access_token|refresh_token)=)[^&#\s]+/gi;

/** A cheap first look: each pattern below needs `://` or one of these query parameters. */
const MAY_HOLD_SECRET = /:\/\/|[?&](?:embed_token|code|id_token|access_token|refresh_token)=/i;

/**
 * Replace the password of any URL in a string by `***` (postgres://u:secret@h → postgres://u:***@h),
 * the signed token of an embed URL (`?embed_token=…`, a bearer credential) and OAuth codes and
 * tokens in query strings likewise.
 */
export function redactUrlSecrets(text: string): string {
  // Every access line passes here twice (its URL, then its message): most hold nothing to hide.
  if (!MAY_HOLD_SECRET.test(text)) return text;
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s/]+)@/gi, '$1***@')
    .replace(/([?&]embed_token=)[^&#\s"]+/g, '$1***')
    .replace(OAUTH_QUERY_SECRETS, '$1***');
}

/**
 * pino's `isoTime`, with the text up to the second made once per second: a fresh
 * `toISOString()` was a measurable share of every access line.
 */
export function createIsoTime(now: () => number = Date.now): () => string {
  let second = Number.NaN;
  let prefix = '';
  return () => {
    const ms = now();
    const whole = Math.floor(ms / 1000);
    if (whole !== second) {
      second = whole;
      // `2026-12-04T14:47:36.` — toISOString always ends in `.sssZ`.
      prefix = new Date(whole * 1000).toISOString().slice(0, -4);
    }
    const fraction = ms - whole * 1000;
    return `,"time":"${prefix}${String(fraction).padStart(3, '0')}Z"`;
  };
}

export function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat' | 'version'>,
  bindings: Record<string, unknown> = {},
): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'dashport', version: config.version, pid: process.pid, ...bindings },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: createIsoTime(),
    formatters: { level: (label) => ({ level: label }) },
    hooks: {
      logMethod(args, method) {
        const redacted = args.map((arg) => (typeof arg === 'string' ? redactUrlSecrets(arg) : arg));
        method.apply(this, redacted as Parameters<typeof method>);
      },
    },
  };
  if (config.logFormat === 'text') {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: {
          colorize: process.stdout.isTTY,
          translateTime: 'HH:MM:ss.l',
          ignore: 'pid,hostname,service,version',
          singleLine: true,
        },
      },
    });
  }
  return pino(options);
}
