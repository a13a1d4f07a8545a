/**
 * The write endpoints' bearer token check. Both sides are hashed to fixed-length digests and
 * compared with crypto.timingSafeEqual, so neither the token's content nor its length leaks
 * through timing. Without DASHPORT_API_TOKEN writes are off (403, naming the variable).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { DashportError } from '../../../errors.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** A checker for `Authorization` headers against `token` (undefined: writes disabled). */
export function createBearerCheck(
  token: string | undefined,
): (authorization: string | undefined) => void {
  const expected = token === undefined || token === '' ? undefined : digest(token);
  return (authorization) => {
    if (expected === undefined) {
      throw new DashportError(
        'DASHPORT_ERR_WRITES_DISABLED',
        'writes are disabled: set DASHPORT_API_TOKEN to enable POST endpoints, and send it as "Authorization: Bearer <token>"',
      );
    }
    const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(authorization ?? '');
    const given = digest(match?.[1] ?? '');
    // Compared even when the header is missing, so both paths take the same time.
    const equal = timingSafeEqual(given, expected);
    if (match === null || !equal) {
      throw new DashportError(
        'DASHPORT_ERR_UNAUTHORIZED',
        match === null
          ? 'missing bearer token: send "Authorization: Bearer <DASHPORT_API_TOKEN>"'
          : 'wrong bearer token: it does not match DASHPORT_API_TOKEN',
      );
    }
  };
}
