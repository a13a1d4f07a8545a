/**
 * CSRF defence for writes a browser sends with the session cookie: the request's `Origin`
 * (or, when a browser leaves it out, `Referer`) must be this server — DASHPORT_PUBLIC_URL
 * when set, else the `Host` the request was sent to. SameSite=Lax already keeps the cookie
 * off cross-site POSTs in current browsers; this check covers the rest (OWASP's "verifying
 * origin with standard headers"). Bearer and Basic credentials are not sent by browsers on
 * their own, so only cookie sessions need it.
 */
import type { IncomingHttpHeaders } from 'node:http';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

function originOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || value === 'null') return undefined;
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/** True when the request comes from a page of this server. */
export function isSameOrigin(headers: IncomingHttpHeaders, publicUrl: string | undefined): boolean {
  const sent = originOf(headers.origin) ?? originOf(headers.referer);
  if (sent === undefined) return false;
  if (publicUrl !== undefined) return sent === new URL(publicUrl).origin;
  const host = headers.host;
  if (host === undefined) return false;
  // Only the host: behind a TLS-terminating proxy the scheme seen here is http. Read in the
  // sender's scheme so `Host: x:80` matches `Origin: http://x`.
  const sentUrl = new URL(sent);
  try {
    return new URL(`${sentUrl.protocol}//${host}`).host === sentUrl.host;
  } catch {
    return false;
  }
}
