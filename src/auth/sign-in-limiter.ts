/**
 * Sign-in attempts limited per client IP and per user name (SPEC §9), counted in the shared
 * rate-limit counters (Redis across workers and replicas, in-process otherwise) before any
 * password is checked, so guessing costs the guesser, not our CPU. Over either limit: 429
 * with Retry-After.
 */
import { createHash } from 'node:crypto';
import { DashportError } from '../errors.js';
import type { RateLimitCounters } from '../resilience/rate-limit-store.js';

/** Limits with their units: generous for a person who mistypes, tight for a script. */
export const SIGN_IN_LIMITS = {
  perIp: { max: 20, windowMs: 60_000 },
  perUser: { max: 10, windowMs: 5 * 60_000 },
} as const;

export interface SignInLimiter {
  /** Counts one attempt; throws the 429 when the IP or the user is over its limit. */
  attempt(ip: string, name: string): Promise<void>;
}

export function createSignInLimiter(
  counters: RateLimitCounters,
  limits: typeof SIGN_IN_LIMITS = SIGN_IN_LIMITS,
): SignInLimiter {
  // User names are hashed in the key: Redis keys are visible to whoever runs Redis.
  const userKey = (name: string) =>
    `signin:user:${createHash('sha256').update(name).digest('base64url').slice(0, 22)}`;
  return {
    async attempt(ip, name) {
      const [byIp, byUser] = await Promise.all([
        counters.take(`signin:ip:${ip}`, limits.perIp.windowMs, limits.perIp.max),
        counters.take(userKey(name), limits.perUser.windowMs, limits.perUser.max),
      ]);
      const over = !byIp.allowed
        ? { count: byIp, what: 'from this address' }
        : !byUser.allowed
          ? { count: byUser, what: 'for this user' }
          : undefined;
      if (over !== undefined) {
        // The attempt counts against the limit that refused it only.
        if (byIp.allowed) counters.giveBack(byIp);
        if (byUser.allowed) counters.giveBack(byUser);
        const seconds = Math.max(1, Math.ceil(over.count.ttlMs / 1000));
        throw new DashportError(
          'DASHPORT_ERR_RATE_LIMITED',
          `too many sign-in attempts ${over.what}; try again in ${seconds} s`,
          { retryAfterSeconds: seconds },
        );
      }
    },
  };
}
