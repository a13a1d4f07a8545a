/**
 * The page a browser sees when an OpenID Connect sign-in cannot complete: what went wrong and
 * a way to start again. Plain HTML with no script and no style attribute, so it renders under
 * the strict Content-Security-Policy like every other page; API clients get the JSON error.
 */
import type { DashportError } from '../../../errors.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** Whether the client navigated here (a browser) rather than called the API. */
export function wantsHtml(accept: string | undefined): boolean {
  return accept !== undefined && /\btext\/html\b/i.test(accept);
}

/** The error page; `retryHref` restarts the sign-in (a same-origin path). */
export function signInErrorPage(error: DashportError, retryHref: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in failed · Dashport</title>
</head>
<body>
<main>
<h1>Sign-in failed</h1>
<p>${escapeHtml(error.message)}</p>
<p><code>${escapeHtml(error.code)}</code></p>
<p><a href="${escapeHtml(retryHref)}">Sign in again</a> · <a href="/">Home</a></p>
</main>
</body>
</html>
`;
}
