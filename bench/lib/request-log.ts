/**
 * Every HTTP request a bench sends, for the issue-12 target "no request past
 * DASHPORT_TIMEOUT": the slowest one, how many took longer than the timeout, and how many
 * the server answered with its timeout error (SPEC §3: 503 DASHPORT_ERR_QUERY_TIMEOUT).
 */

/** The SPEC's code of a request answered at DASHPORT_TIMEOUT. */
export const TIMEOUT_CODE = 'DASHPORT_ERR_QUERY_TIMEOUT';

export interface SentRequest {
  readonly url: string;
  readonly ms: number;
  readonly status: number;
  /** The error body's `code`, when the answer was an error. */
  readonly code?: string;
}

export interface RequestLogSummary {
  readonly sent: number;
  readonly slowest: SentRequest | undefined;
  readonly timeoutMs: number;
  /** Answers that arrived later than DASHPORT_TIMEOUT, whatever their status. */
  readonly overTimeout: number;
  /** Answers with DASHPORT_ERR_QUERY_TIMEOUT. */
  readonly timedOut: number;
}

export interface RequestLog {
  record(request: SentRequest): void;
  summary(): RequestLogSummary;
}

export function createRequestLog(timeoutMs: number): RequestLog {
  let sent = 0;
  let slowest: SentRequest | undefined;
  let overTimeout = 0;
  let timedOut = 0;
  return {
    record(request) {
      sent += 1;
      if (slowest === undefined || request.ms > slowest.ms) slowest = request;
      if (request.ms > timeoutMs) overTimeout += 1;
      if (request.code === TIMEOUT_CODE) timedOut += 1;
    },
    summary: () => ({ sent, slowest, timeoutMs, overTimeout, timedOut }),
  };
}

/** The `code` of a JSON error body, if it has one. */
export function errorCodeOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { code?: unknown };
    return typeof body.code === 'string' ? body.code : undefined;
  } catch {
    return undefined;
  }
}
