/**
 * The status /health/quick serves: the last full report's status and timestamp, at most
 * QUICK_HEALTH_TTL_MS old, refreshed by one full check at a time however many probes arrive.
 * Shared by the route (src/server/routes/health) and the probe lane in front of the router
 * (lanes/probe-lane.ts), so both answer the same bytes.
 */
import { Buffer } from 'node:buffer';

/** /health/quick may serve a status this old. */
export const QUICK_HEALTH_TTL_MS = 5_000;

export interface QuickStatus {
  readonly at: number;
  readonly code: 200 | 503;
  readonly body: string;
  /** Byte length of `body`, for Content-Length. */
  readonly bytes: number;
}

export interface QuickHealth {
  /** The status when it is recent enough to serve, else undefined. */
  fresh(now?: number): QuickStatus | undefined;
  /** Remembers the outcome of a full report. */
  remember(report: { readonly status: string; readonly timestamp: string }, code: 200 | 503): void;
  /** A fresh status, running `check` (a full report that calls `remember`) if needed. */
  current(check: () => Promise<unknown>): Promise<QuickStatus>;
}

export function createQuickHealth(now: () => number = Date.now): QuickHealth {
  let status: QuickStatus | undefined;
  let refreshing: Promise<QuickStatus> | undefined;

  const fresh = (at = now()): QuickStatus | undefined =>
    status !== undefined && at - status.at <= QUICK_HEALTH_TTL_MS ? status : undefined;

  return {
    fresh,
    remember(report, code) {
      const body = JSON.stringify({ status: report.status, timestamp: report.timestamp });
      status = { at: now(), code, body, bytes: Buffer.byteLength(body) };
    },
    current(check) {
      const known = fresh();
      if (known !== undefined) return Promise.resolve(known);
      refreshing ??= check()
        .then(() => {
          if (status === undefined) throw new Error('the health check remembered no status');
          return status;
        })
        .finally(() => {
          refreshing = undefined;
        });
      return refreshing;
    },
  };
}
