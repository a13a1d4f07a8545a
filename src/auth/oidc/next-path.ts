/**
 * Where a sign-in returns to. Only a path on this server is accepted: an absolute URL, a
 * protocol-relative `//host` or a backslash trick (`/\host`, which browsers read as `//host`)
 * would make the sign-in an open redirect to another site.
 */
import { BadParameterError } from '../../errors.js';

/** Where a sign-in without `next` lands: the home page. */
export const DEFAULT_NEXT_PATH = '/';
const NEXT_MAX_CHARS = 2000;
// Any origin does: the path is resolved against it only to see whether it stays there.
const PROBE_ORIGIN = 'http://dashport.invalid';

/**
 * The same-origin path (with query and fragment) that `raw` names; `/` when absent. Throws a
 * BadParameterError naming `parameter` for anything that could leave this server.
 */
export function safeNextPath(raw: string | undefined, parameter = 'next'): string {
  if (raw === undefined || raw === '') return DEFAULT_NEXT_PATH;
  const refuse = (why: string): never => {
    throw new BadParameterError(
      parameter,
      `${parameter} must be a path on this server such as /dashboards/sales (${why})`,
    );
  };
  if (raw.length > NEXT_MAX_CHARS) refuse(`longer than ${NEXT_MAX_CHARS} characters`);
  if (!raw.startsWith('/')) refuse('it does not start with /');
  if (raw.startsWith('//') || raw.includes('\\')) refuse('it names another host');
  // Tabs and newlines are dropped by URL parsers, so `/\t/evil.example` would become `//evil`.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) refuse('it contains control characters');
  let url: URL;
  try {
    url = new URL(raw, PROBE_ORIGIN);
  } catch {
    return refuse('it is not a valid path');
  }
  if (url.origin !== PROBE_ORIGIN) refuse('it names another host');
  return `${url.pathname}${url.search}${url.hash}`;
}
