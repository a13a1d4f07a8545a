/**
 * The page a sign-in returns to, from `?next=`: a path on this server only (the server checks
 * again), so a crafted link cannot send someone elsewhere after they sign in.
 */

/** `next` of a query string when it is a same-origin path; `/` otherwise. */
export function signInNextPath(search: string): string {
  const raw = new URLSearchParams(search).get('next');
  if (raw === null || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\'))
    return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return '/';
  return raw;
}

/** The sign-in page's URL for returning to `path` (with its query) afterwards. */
export function signInHref(path: string): string {
  return `/signin?${new URLSearchParams({ next: path }).toString()}`;
}
