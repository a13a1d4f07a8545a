/**
 * OpenID Connect sign-in with openid-client (a certified relying-party library): the
 * authorization code flow with PKCE (S256), state and nonce. Nothing is kept on the server
 * between the two legs: the verifier, state, nonce and the page to return to travel in a
 * short-lived signed cookie (signed-token purpose `oidc-state`), so the callback may land on
 * any worker of any replica.
 *
 * The provider's discovery document is fetched once per process and cached; while the issuer
 * is down it is retried in the background with a capped backoff, and a sign-in meanwhile is a
 * 503 with Retry-After — nothing else (readiness included) waits on the provider.
 */
import * as client from 'openid-client';
import type { OidcConfig } from '../../config/auth-config.js';
import { OidcError } from '../../errors.js';
import type { SessionUser } from '../session-claims.js';
import type { TokenSigner } from '../signed-token.js';
import { type Claims, hasGroupsClaim, userFromClaims } from './oidc-user.js';

/** Where the provider sends the browser back; register DASHPORT_PUBLIC_URL + this path. */
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';
/** How long a started sign-in stays valid: long enough to type a password and pass MFA. */
export const OIDC_STATE_TTL_SECONDS = 600;
/** What is asked of the provider; groups come from DASHPORT_OIDC_GROUPS_CLAIM in these. */
export const OIDC_SCOPE = 'openid profile email';

/** Resilience defaults for talking to the provider. */
export const OIDC_RETRY = {
  /** Each request to the provider (discovery, token, userinfo, keys). */
  requestTimeoutSeconds: 10,
  /** The first background retry of a failed discovery, doubled after each failure. */
  firstRetryDelayMs: 1_000,
  maxRetryDelayMs: 60_000,
  /** A sign-in during an outage tries the provider itself at most this often. */
  onDemandRetryMs: 5_000,
} as const;

const PROVIDER_TEXT_MAX_CHARS = 200;

export interface OidcStart {
  /** The provider's authorization URL to redirect the browser to. */
  readonly url: URL;
  /** The signed state to put in the browser's state cookie. */
  readonly stateToken: string;
}

export interface OidcResult {
  readonly user: SessionUser;
  /** The same-origin path the sign-in was started for. */
  readonly next: string;
}

export interface OidcStatus {
  readonly discovered: boolean;
  /** Why the last discovery failed, while it has not succeeded since. */
  readonly lastError: string | undefined;
}

export interface OidcSignIn {
  /** Shown on the sign-in button: the issuer's host name. */
  readonly providerName: string;
  readonly redirectUri: string;
  /** Start a sign-in that returns to `next` (already checked to be a same-origin path). */
  begin(next: string): Promise<OidcStart>;
  /** Finish it from the callback's query and the state cookie; throws OidcError. */
  finish(query: URLSearchParams, stateToken: string | undefined): Promise<OidcResult>;
  status(): OidcStatus;
  /** Stop background retries. */
  close(): void;
}

interface Log {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface OidcSignInOptions {
  readonly oidc: OidcConfig;
  /** DASHPORT_PUBLIC_URL. */
  readonly publicUrl: string;
  readonly signer: TokenSigner;
  readonly log: Log;
  readonly now?: () => number;
}

function clip(text: string): string {
  return text.length > PROVIDER_TEXT_MAX_CHARS
    ? `${text.slice(0, PROVIDER_TEXT_MAX_CHARS)}…`
    : text;
}

/** The reason of an openid-client failure, with the detail its cause carries. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return clip(
    cause !== undefined && cause !== error.message ? `${error.message}: ${cause}` : error.message,
  );
}

function isNetworkFailure(error: unknown): boolean {
  if (error instanceof TypeError) return true; // fetch failed: refused, DNS, TLS
  return (
    error instanceof client.ClientError &&
    (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_ABORT')
  );
}

/** Any failure of the provider leg as the typed error the browser sees (never a 500). */
function toOidcError(error: unknown, retryAfterSeconds: number): OidcError {
  if (error instanceof OidcError) return error;
  if (error instanceof client.AuthorizationResponseError) {
    const description = error.error_description ? ` (${clip(error.error_description)})` : '';
    return new OidcError(
      'DASHPORT_ERR_OIDC_REFUSED',
      `the identity provider refused the sign-in: ${clip(error.error)}${description}`,
      { cause: error },
    );
  }
  if (error instanceof client.ResponseBodyError) {
    if (error.status >= 500) {
      return new OidcError(
        'DASHPORT_ERR_OIDC_UNAVAILABLE',
        `the identity provider failed (HTTP ${error.status}); try again shortly`,
        { cause: error, retryAfterSeconds },
      );
    }
    const description = error.error_description ? ` (${clip(error.error_description)})` : '';
    return new OidcError(
      'DASHPORT_ERR_OIDC_REFUSED',
      `the identity provider did not accept the sign-in code: ${clip(error.error)}${description}; start the sign-in again`,
      { cause: error },
    );
  }
  if (error instanceof client.WWWAuthenticateChallengeError) {
    // The token endpoint turned down Dashport's own credentials (a 401 with a challenge).
    const reason = error.cause[0]?.parameters.error ?? `HTTP ${error.status}`;
    return new OidcError(
      'DASHPORT_ERR_OIDC_REFUSED',
      `the identity provider refused this server's client credentials (${clip(reason)}); check DASHPORT_OIDC_CLIENT_ID and DASHPORT_OIDC_CLIENT_SECRET`,
      { cause: error },
    );
  }
  if (isNetworkFailure(error)) {
    return new OidcError(
      'DASHPORT_ERR_OIDC_UNAVAILABLE',
      `the identity provider cannot be reached (${reasonOf(error)}); try again shortly`,
      { cause: error, retryAfterSeconds },
    );
  }
  return new OidcError(
    'DASHPORT_ERR_OIDC_REFUSED',
    `the identity provider's answer failed validation (${reasonOf(error)})`,
    { cause: error },
  );
}

interface SavedState {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly next: string;
}

function readSavedState(claims: Record<string, unknown>): SavedState | undefined {
  const { st, nc, cv, nx } = claims;
  if (typeof st !== 'string' || typeof nc !== 'string' || typeof cv !== 'string') return undefined;
  if (typeof nx !== 'string' || !nx.startsWith('/')) return undefined;
  return { state: st, nonce: nc, verifier: cv, next: nx };
}

export function createOidcSignIn(options: OidcSignInOptions): OidcSignIn {
  const { oidc, signer, log } = options;
  const now = options.now ?? Date.now;
  const issuer = new URL(oidc.issuer);
  const redirectUri = new URL(OIDC_CALLBACK_PATH, options.publicUrl).href;
  const execute: ((configuration: client.Configuration) => void)[] = [];
  // A plain-HTTP issuer is a development or test provider; openid-client refuses it otherwise.
  if (issuer.protocol === 'http:') execute.push(client.allowInsecureRequests);
  const clientAuth =
    oidc.clientSecret === undefined ? client.None() : client.ClientSecretBasic(oidc.clientSecret);
  const metadata: Partial<client.ClientMetadata> =
    oidc.clientSecret === undefined ? {} : { client_secret: oidc.clientSecret };

  let configuration: client.Configuration | undefined;
  let inFlight: Promise<client.Configuration> | undefined;
  let lastError: string | undefined;
  let lastFailureAt = Number.NEGATIVE_INFINITY;
  let retryDelayMs: number = OIDC_RETRY.firstRetryDelayMs;
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const retryAfterSeconds = (): number => Math.ceil(Math.max(retryDelayMs, 1000) / 1000);
  const unavailable = (): OidcError =>
    new OidcError(
      'DASHPORT_ERR_OIDC_UNAVAILABLE',
      `the identity provider ${issuer.host} cannot be reached (${lastError ?? 'discovery failed'}); try again shortly`,
      { retryAfterSeconds: retryAfterSeconds() },
    );

  const scheduleRetry = (): void => {
    if (closed || retryTimer !== undefined) return;
    const delay = retryDelayMs;
    retryDelayMs = Math.min(retryDelayMs * 2, OIDC_RETRY.maxRetryDelayMs);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (configuration === undefined) void attempt().catch(() => undefined);
    }, delay);
    retryTimer.unref();
  };

  const attempt = (): Promise<client.Configuration> => {
    inFlight ??= client
      .discovery(issuer, oidc.clientId, metadata, clientAuth, {
        execute,
        timeout: OIDC_RETRY.requestTimeoutSeconds,
      })
      .then(
        (discovered) => {
          discovered.timeout = OIDC_RETRY.requestTimeoutSeconds;
          configuration = discovered;
          lastError = undefined;
          retryDelayMs = OIDC_RETRY.firstRetryDelayMs;
          log.info({ issuer: issuer.href }, 'OIDC provider discovered');
          return discovered;
        },
        (error: unknown) => {
          lastError = reasonOf(error);
          lastFailureAt = now();
          log.warn(
            { issuer: issuer.href, reason: lastError, retry_in_ms: retryDelayMs },
            'OIDC discovery failed; retrying in the background',
          );
          scheduleRetry();
          throw unavailable();
        },
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  const ready = async (): Promise<client.Configuration> => {
    if (configuration !== undefined) return configuration;
    if (inFlight !== undefined) return inFlight;
    // During an outage a click answers at once instead of waiting a timeout each time.
    if (now() - lastFailureAt < OIDC_RETRY.onDemandRetryMs) throw unavailable();
    return attempt();
  };

  // Discover at start, in the background: the first sign-in is then as fast as the others.
  void attempt().catch(() => undefined);

  return {
    providerName: issuer.hostname,
    redirectUri,

    async begin(next) {
      const discovered = await ready();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(discovered, {
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: OIDC_SCOPE,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const stateToken = await signer.sign(
        'oidc-state',
        { st: state, nc: nonce, cv: verifier, nx: next },
        OIDC_STATE_TTL_SECONDS,
      );
      return { url, stateToken };
    },

    async finish(query, stateToken) {
      if (stateToken === undefined || stateToken === '') {
        throw new OidcError(
          'DASHPORT_ERR_OIDC_STATE',
          'this browser has no sign-in under way (its state cookie is missing: cookies are off, or the sign-in was started elsewhere); start the sign-in again',
          { parameter: 'state' },
        );
      }
      const claims = await signer.verify('oidc-state', stateToken);
      const saved = claims === undefined ? undefined : readSavedState(claims);
      if (saved === undefined) {
        throw new OidcError(
          'DASHPORT_ERR_OIDC_STATE',
          `the sign-in state has expired (after ${OIDC_STATE_TTL_SECONDS / 60} minutes) or was tampered with; start the sign-in again`,
          { parameter: 'state' },
        );
      }
      if (query.get('state') !== saved.state) {
        throw new OidcError(
          'DASHPORT_ERR_OIDC_STATE',
          'the state returned by the identity provider does not belong to the sign-in this browser started; start the sign-in again',
          { parameter: 'state' },
        );
      }
      const discovered = await ready();
      const currentUrl = new URL(redirectUri);
      currentUrl.search = query.toString();
      let user: SessionUser | undefined;
      try {
        const tokens = await client.authorizationCodeGrant(discovered, currentUrl, {
          pkceCodeVerifier: saved.verifier,
          expectedState: saved.state,
          expectedNonce: saved.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims();
        if (idClaims === undefined) throw new Error('no ID token in the token response');
        let merged: Claims = idClaims;
        const needsUserInfo =
          !hasGroupsClaim(idClaims, oidc.groupsClaim) ||
          (idClaims['preferred_username'] === undefined && idClaims['email'] === undefined);
        // Many providers put profile claims and groups in userinfo, not in the ID token.
        if (needsUserInfo && discovered.serverMetadata().userinfo_endpoint !== undefined) {
          const info = await client.fetchUserInfo(discovered, tokens.access_token, idClaims.sub);
          merged = { ...info, ...idClaims };
        }
        user = userFromClaims(merged, oidc.groupsClaim);
      } catch (error) {
        throw toOidcError(error, retryAfterSeconds());
      }
      if (user === undefined) {
        throw new OidcError(
          'DASHPORT_ERR_OIDC_REFUSED',
          'the identity provider named no user (no preferred_username, email or sub claim)',
        );
      }
      return { user, next: saved.next };
    },

    status() {
      return { discovered: configuration !== undefined, lastError };
    },

    close() {
      closed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      retryTimer = undefined;
    },
  };
}
