/**
 * "Sign in to see this": shown under the header once any API request of the page answered
 * 401, with a link to the sign-in page that returns here afterwards. Not on the sign-in page.
 */
import { useEffect, useState } from 'react';
import type { SignInModes } from '../../../src/shared/sign-in-types.js';
import { UNAUTHORIZED_EVENT, getJson } from '../api/client.js';
import { signInHref } from '../pages/sign-in/next-path.js';
import { useLocation } from '../router/location.js';

export function SignInNotice() {
  const { pathname, search } = useLocation();
  const [needed, setNeeded] = useState(false);
  useEffect(() => {
    const onUnauthorized = () => setNeeded(true);
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, []);
  // A new page asks afresh; its own 401s bring the notice back.
  useEffect(() => setNeeded(false), [pathname]);
  if (!needed || pathname === '/signin') return null;
  return (
    <p className="sign-in-notice" role="status" data-sign-in-notice="">
      You need to sign in to see this. <a href={signInHref(`${pathname}${search}`)}>Sign in</a>
    </p>
  );
}

/**
 * Asks `url` once so that a 401 brings up the notice: lists leave out what a viewer may not
 * see, so a private dashboard is "not found" in the list until its own URL says "sign in".
 */
export function SignInProbe({ url }: { readonly url: string }) {
  useEffect(() => {
    const controller = new AbortController();
    // With sign-in off, a missing dashboard is simply missing: no request, no console noise.
    void getJson<SignInModes>('/auth/config', controller.signal)
      .then((modes) => (modes.enabled ? getJson<unknown>(url, controller.signal) : undefined))
      .catch(() => undefined);
    return () => controller.abort();
  }, [url]);
  return null;
}
