/**
 * The PostgreSQL connection pool. Sessions are read-only by default
 * (`default_transaction_read_only`) and every statement has a deadline (`statement_timeout`),
 * so a query from the API can neither write nor run away; ingestion opens its own
 * `BEGIN READ WRITE` transaction. Driver errors become Dashport errors: unreachable → 503 with
 * the reason, timeout → 503, a value the column type rejects → 400.
 */
import pg from 'pg';
import { BadParameterError, DashportError, UnavailableError } from '../../errors.js';
import { redactUrlSecrets } from '../../logger.js';
import { PG_TYPE_PARSERS } from './pg-types.js';

/** Defaults with their units. */
export const PG_POOL_DEFAULTS = {
  /** Connections per worker; PostgreSQL's default max_connections (100) fits several workers and replicas. */
  max: 5,
  connectTimeoutMs: 3_000,
  idleTimeoutMs: 30_000,
  statementTimeoutMs: 30_000,
} as const;

export interface PgPoolOptions {
  readonly url: string;
  readonly statementTimeoutMs?: number;
  readonly max?: number;
  readonly connectTimeoutMs?: number;
  readonly applicationName?: string;
}

/** A pool whose sessions are read-only with a statement timeout. */
export function createPgPool(options: PgPoolOptions): pg.Pool {
  const statementTimeoutMs = options.statementTimeoutMs ?? PG_POOL_DEFAULTS.statementTimeoutMs;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? PG_POOL_DEFAULTS.max,
    connectionTimeoutMillis: options.connectTimeoutMs ?? PG_POOL_DEFAULTS.connectTimeoutMs,
    idleTimeoutMillis: PG_POOL_DEFAULTS.idleTimeoutMs,
    application_name: options.applicationName ?? 'dashport',
    statement_timeout: statementTimeoutMs,
    // A deadline on the client side too, for a server that stops answering altogether.
    query_timeout: statementTimeoutMs + 5_000,
    options: '-c default_transaction_read_only=on -c TimeZone=UTC',
    types: PG_TYPE_PARSERS as unknown as pg.CustomTypesConfig,
  });
  // An idle client whose server went away emits 'error' on the pool; without a listener that
  // would crash the process. The next query reports the outage instead.
  pool.on('error', () => undefined);
  return pool;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '3D000', // invalid_catalog_name
  '28P01', // invalid_password
  '28000', // invalid_authorization_specification
]);

/** True when `error` says the database cannot be reached (as opposed to a bad query). */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08')))
    return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    error.message,
  );
}

/** A one-line reason without secrets. */
export function pgReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactUrlSecrets(message.split('\n')[0] ?? message);
}

/**
 * The Dashport error for a driver error on dataset `id`: 503 when the database is unreachable
 * or the statement timed out, 400 when a value does not fit the column, else the error itself.
 */
export function mapPgError(error: unknown, id: string, parameter = 'filter'): unknown {
  if (error instanceof DashportError) return error;
  if (isConnectionError(error)) {
    return new UnavailableError(
      'DASHPORT_ERR_SOURCE_UNAVAILABLE',
      `dataset "${id}" is unavailable: PostgreSQL cannot be reached (${pgReason(error)})`,
      10,
    );
  }
  const code = (error as { code?: unknown }).code;
  if (code === '57014' || /Query read timeout/i.test(pgReason(error))) {
    return new UnavailableError(
      'DASHPORT_ERR_QUERY_TIMEOUT',
      `dataset "${id}": the query ran past the statement timeout; narrow it with filters or a smaller limit`,
      5,
    );
  }
  if (typeof code === 'string' && (code.startsWith('22') || code === '42883' || code === '42804')) {
    return new BadParameterError(
      parameter,
      `${parameter}: PostgreSQL rejected a value for dataset "${id}": ${pgReason(error)}`,
    );
  }
  return error;
}
