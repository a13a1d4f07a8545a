/**
 * `--expires 7d`: how long a signed embed link stays valid. A link is a bearer credential that
 * cannot be revoked one by one (only by rotating DASHPORT_SESSION_SECRET, which signs out
 * everyone), so its lifetime is bounded: at most a year.
 */
import { UsageError } from '../errors.js';

/** Seconds of each unit `--expires` accepts. */
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
/** The longest lifetime of an embed link. */
export const EMBED_MAX_TTL_SECONDS = 365 * UNIT_SECONDS.d;
/** The lifetime when `--expires` is not given. */
export const EMBED_DEFAULT_EXPIRES = '7d';

const DURATION = /^(\d+)\s*([smhd])$/;

/** `90s`, `30m`, `12h`, `7d` → seconds; UsageError naming `--expires` for anything else. */
export function parseExpiry(text: string, maxSeconds = EMBED_MAX_TTL_SECONDS): number {
  const match = DURATION.exec(text.trim().toLowerCase());
  const accepted = `a positive whole number with a unit s, m, h or d (e.g. 7d, 12h), at most ${maxSeconds / UNIT_SECONDS.d}d`;
  if (!match) throw new UsageError(`--expires must be ${accepted}, got "${text}"`);
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > maxSeconds) {
    throw new UsageError(`--expires must be ${accepted}, got "${text}"`);
  }
  return seconds;
}
