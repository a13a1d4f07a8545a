/**
 * `/signin?next=/path`: a name + password form for local users (POST /auth/login) and a
 * "Sign in with <provider>" button when OpenID Connect is on; which of them shows comes from
 * GET /auth/config. After a sign-in the browser loads `next` afresh, so every request of the
 * page carries the new session cookie.
 */
import { type FormEvent, useEffect, useState } from 'react';
import type { SignInModes } from '../../../src/shared/sign-in-types.js';
import { getJson } from '../api/client.js';
import { useResource } from '../api/use-resource.js';
import { Link } from '../router/Link.js';
import { signInNextPath } from './sign-in/next-path.js';

export interface SignInPageProps {
  readonly search: string;
}

type Status =
  | { readonly kind: 'idle' }
  | { readonly kind: 'busy' }
  | { readonly kind: 'error'; readonly message: string };

async function postLogin(
  loginPath: string,
  name: string,
  password: string,
): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch(loginPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ name, password }),
      credentials: 'same-origin',
    });
  } catch {
    return 'the server cannot be reached; check the connection and retry';
  }
  if (response.ok) return undefined;
  const body = (await response.json().catch(() => undefined)) as { message?: unknown } | undefined;
  if (response.status === 429) return 'too many attempts; wait a minute and try again';
  return typeof body?.message === 'string'
    ? body.message
    : `${response.status} ${response.statusText}`;
}

export function SignInPage({ search }: SignInPageProps) {
  const next = signInNextPath(search);
  const modes = useResource('auth-config', (signal) =>
    getJson<SignInModes>('/auth/config', signal),
  );
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  useEffect(() => {
    document.title = 'Sign in · Dashport';
  }, []);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const loginPath = modes.data?.basic?.loginPath;
    if (loginPath === undefined) return;
    setStatus({ kind: 'busy' });
    void postLogin(loginPath, name, password).then((failure) => {
      if (failure === undefined) {
        window.location.assign(next);
        return;
      }
      setPassword('');
      setStatus({ kind: 'error', message: failure });
    });
  };

  return (
    <main className="page sign-in" id="main">
      <h1>Sign in</h1>
      {modes.error && (
        <p className="panel-message panel-message--error" role="alert">
          The sign-in options could not be loaded: {modes.error.message}
        </p>
      )}
      {modes.data && !modes.data.enabled && (
        <p>
          Sign-in is off on this server: every dashboard is open. <Link href={next}>Continue</Link>
        </p>
      )}
      {modes.data?.oidc && (
        <p className="sign-in-provider">
          <a
            className="button button--primary"
            href={`${modes.data.oidc.loginPath}?${new URLSearchParams({ next }).toString()}`}
            data-sign-in="oidc"
          >
            Sign in with {modes.data.oidc.provider}
          </a>
        </p>
      )}
      {modes.data?.oidc && modes.data.basic && <p className="sign-in-or">or</p>}
      {modes.data?.basic && (
        <form className="sign-in-form" onSubmit={onSubmit} data-sign-in="basic" noValidate={false}>
          <label htmlFor="sign-in-name">Name</label>
          <input
            id="sign-in-name"
            name="name"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
          <label htmlFor="sign-in-password">Password</label>
          <input
            id="sign-in-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          {status.kind === 'error' && (
            <p className="panel-message panel-message--error" role="alert">
              {status.message}
            </p>
          )}
          <button type="submit" className="button--primary" disabled={status.kind === 'busy'}>
            {status.kind === 'busy' ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      )}
      {modes.data?.enabled && !modes.data.basic && !modes.data.oidc && (
        <p>This server signs people in through its proxy; ask its administrator for access.</p>
      )}
    </main>
  );
}
