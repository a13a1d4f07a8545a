/** What `GET /auth/config` answers: the sign-in page shows a form or a button per mode. */
export interface SignInModes {
  /** False when DASHPORT_AUTH=none: there is nothing to sign in to. */
  readonly enabled: boolean;
  readonly modes: ('basic' | 'proxy' | 'oidc')[];
  /** Name and password, POSTed as JSON to `loginPath`. */
  readonly basic: { readonly loginPath: string } | null;
  /** The "Sign in with <provider>" button; `loginPath` takes `?next=`. */
  readonly oidc: { readonly provider: string; readonly loginPath: string } | null;
}
