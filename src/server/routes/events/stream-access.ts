/**
 * An event stream outlives the request that opened it, so the policy's yes is not forever: the
 * stream ends when the credential that opened it expires (a signed session or embed link) and
 * when the policy, asked again every RECHECK_MS, no longer lets its viewer read the resource
 * (an access rule changed in dashport.yaml). The browser's EventSource then reconnects, and the
 * new request gets the 401 or 403 that any other request would get.
 */
import type { AccessControl } from '../../../auth/access-control.js';
import { type Identity, credentialExpiry } from '../../../auth/identity.js';
import type { Resource } from '../../../auth/policy.js';

/** How often an open stream's access is asked again. */
export const RECHECK_MS = 30_000;
/** setTimeout's limit; an expiry further away is left to the re-checks. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What is needed of the stream's ServerResponse. */
export interface EndableStream {
  readonly writableEnded: boolean;
  end(): unknown;
  once(event: 'close', listener: () => void): unknown;
}

export interface StreamAccessOptions {
  readonly access: Pick<AccessControl, 'decide'>;
  readonly identity: Identity;
  readonly resource: Resource;
  readonly response: EndableStream;
  readonly recheckMs?: number;
  readonly now?: () => number;
}

/** Ends `response` once its viewer may no longer read `resource`. */
export function endWhenAccessEnds(options: StreamAccessOptions): void {
  const { access, identity, resource, response } = options;
  const now = options.now ?? Date.now;
  const expiresAt = credentialExpiry(identity);
  const stillAllowed = (): boolean =>
    (expiresAt === undefined || now() < expiresAt) && access.decide(identity, resource).allow;

  const timers: NodeJS.Timeout[] = [];
  const stop = (): void => {
    for (const timer of timers) clearTimeout(timer);
  };
  const check = (): void => {
    if (stillAllowed()) return;
    stop();
    if (!response.writableEnded) response.end();
  };
  const interval = setInterval(check, options.recheckMs ?? RECHECK_MS);
  interval.unref();
  timers.push(interval);
  if (expiresAt !== undefined) {
    const timeout = setTimeout(check, Math.min(Math.max(0, expiresAt - now()), MAX_TIMER_MS));
    timeout.unref();
    timers.push(timeout);
  }
  response.once('close', stop);
}
