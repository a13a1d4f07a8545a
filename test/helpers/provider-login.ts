/**
 * A browser's part of an OpenID Connect login, done with fetch: follow the provider's
 * redirects with a cookie jar, fill its login form with a name (any password) and press its
 * consent button, until the provider sends the browser back to `returnTo`.
 */

/** Cookies by name, as a browser would send them to the provider. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const index = pair.indexOf('=');
      if (index > 0) this.cookies.set(pair.slice(0, index), pair.slice(index + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

const MAX_STEPS = 20;

function formOf(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/i.exec(html)?.[1];
  if (action === undefined)
    throw new Error(`no form on the provider's page: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(
    /<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi,
  )) {
    fields[match[1] as string] = match[2] as string;
  }
  return { action: action.replaceAll('&amp;', '&'), fields };
}

export interface ProviderLoginOptions {
  /** The authorization URL Dashport redirected to. */
  readonly authorizationUrl: string;
  /** Dashport's callback URL prefix: the walk stops at a redirect there. */
  readonly returnTo: string;
  readonly login: string;
  /** Abort at the login form (the provider answers access_denied). */
  readonly abort?: boolean;
}

/** The callback URL the provider sends the browser to, with code (or error), state and iss. */
export async function loginAtProvider(options: ProviderLoginOptions): Promise<URL> {
  const jar = new CookieJar();
  let url = new URL(options.authorizationUrl);
  let method = 'GET';
  let body: URLSearchParams | undefined;
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: { cookie: jar.header(), accept: 'text/html' },
      ...(body === undefined ? {} : { body }),
    });
    jar.take(response);
    method = 'GET';
    body = undefined;
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      const next = new URL(location, url);
      if (next.href.startsWith(options.returnTo)) return next;
      url = next;
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) {
      throw new Error(
        `provider answered ${response.status} at ${url.pathname}: ${html.slice(0, 300)}`,
      );
    }
    const form = formOf(html);
    if (form.fields['prompt'] === 'login' && options.abort === true) {
      url = new URL(`${url.pathname}/abort`, url);
      continue;
    }
    url = new URL(form.action, url);
    method = 'POST';
    body = new URLSearchParams(form.fields);
    if (form.fields['prompt'] === 'login') {
      body.set('login', options.login);
      body.set('password', 'any-password');
    }
  }
  throw new Error(`the provider did not send the browser back within ${MAX_STEPS} steps`);
}
