/**
 * Name + password → user, for `POST /auth/login` and HTTP Basic. argon2id verification costs
 * tens of milliseconds by design; an API client sending Basic on every request would pay it
 * every time, so a verified credential is remembered for a short while, keyed by a SHA-256 of
 * the name, the password and the stored hash: a changed password or a removed user misses the
 * cache at once. Unknown users are checked against a dummy hash so both answers take as long.
 */
import { createHash } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { UserIdentity } from './identity.js';
import type { StoredUser } from './users-file.js';

export const VERIFIED_CACHE_TTL_MS = 60_000;
export const VERIFIED_CACHE_MAX_ENTRIES = 1000;

/** argon2id with the library's defaults (m=19 MiB, t=2, p=1: OWASP's recommendation). */
export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password);
}

export interface PasswordVerifier {
  /**
   * The user when the password matches, else undefined. `beforeCheck` runs before argon2
   * does (not on a cache hit): the sign-in limit counts guesses, not every Basic request.
   */
  verify(
    name: string,
    password: string,
    source: 'basic' | 'session',
    beforeCheck?: () => Promise<void>,
  ): Promise<UserIdentity | undefined>;
}

export interface PasswordVerifierOptions {
  readonly users: () => Promise<ReadonlyMap<string, StoredUser>>;
  readonly now?: () => number;
}

export function createPasswordVerifier(options: PasswordVerifierOptions): PasswordVerifier {
  const now = options.now ?? Date.now;
  const verified = new Map<string, { user: StoredUser; expires: number }>();
  let dummy: Promise<string> | undefined;

  function cacheKey(name: string, password: string, hash: string): string {
    return createHash('sha256').update(`${name}\0${password}\0${hash}`).digest('base64url');
  }

  return {
    async verify(name, password, source, beforeCheck) {
      const user = (await options.users()).get(name);
      if (user === undefined) {
        await beforeCheck?.();
        dummy ??= argon2Hash('dashport-timing-equaliser');
        await argon2Verify(await dummy, password).catch(() => false);
        return undefined;
      }
      const key = cacheKey(name, password, user.hash);
      const cached = verified.get(key);
      let ok = cached !== undefined && cached.expires > now();
      if (!ok) {
        await beforeCheck?.();
        ok = await argon2Verify(user.hash, password).catch(() => false);
        if (ok) {
          if (verified.size >= VERIFIED_CACHE_MAX_ENTRIES) {
            // Oldest first: a Map iterates in insertion order.
            const oldest = verified.keys().next().value;
            if (oldest !== undefined) verified.delete(oldest);
          }
          verified.set(key, { user, expires: now() + VERIFIED_CACHE_TTL_MS });
        }
      }
      if (!ok) return undefined;
      return Object.freeze({
        kind: 'user',
        name: user.name,
        groups: user.groups,
        source,
        viaCookie: false,
      });
    },
  };
}
