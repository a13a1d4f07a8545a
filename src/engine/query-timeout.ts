/**
 * The one deadline of every engine query, DuckDB's (interrupted) and PostgreSQL's
 * (statement_timeout) alike: the request timeout, so a query never outlives its request.
 */

/** A query may take at least this long, whatever DASHPORT_TIMEOUT says. */
const MIN_QUERY_TIMEOUT_MS = 1_000;

/** DASHPORT_TIMEOUT (seconds) as the per-query deadline in milliseconds. */
export function queryTimeoutMs(config: { readonly timeoutSeconds: number }): number {
  return Math.max(MIN_QUERY_TIMEOUT_MS, Math.round(config.timeoutSeconds * 1000));
}
