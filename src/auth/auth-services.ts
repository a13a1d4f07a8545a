/**
 * Everything access control needs, built once per app from the Config: the token signer,
 * the users and keys files, the password verifier, the sign-in limiter, the ordered identity
 * resolvers and the AccessControl. A sign-in method that brings a credential of its own adds
 * a resolver to `resolvers` (explicit credentials first, the ambient session cookie last).
 */
import type { Config } from '../config/config.js';
import type { RateLimitCounters } from '../resilience/rate-limit-store.js';
import { type AccessControl, BASIC_CHALLENGE, createAccessControl } from './access-control.js';
import { createWatchedFile } from './credential-file.js';
import {
  createBasicResolver,
  createKeyResolver,
  createProxyResolver,
} from './credential-resolvers.js';
import type { IdentityResolver } from './identity-resolver.js';
import { parseKeys } from './keys-file.js';
import { type PasswordVerifier, createPasswordVerifier } from './password-verifier.js';
import type { AccessRules } from './policy.js';
import { createSessionResolver } from './session-resolver.js';
import { type SignInLimiter, createSignInLimiter } from './sign-in-limiter.js';
import { type TokenSigner, createTokenSigner } from './signed-token.js';
import { createTrustedPeer } from './trusted-peer.js';
import { parseUsers } from './users-file.js';

export type SignInMethod = 'basic' | 'form' | 'oidc';
export type SignInOutcome = 'success' | 'failure' | 'limited';

export interface AuthServices {
  readonly access: AccessControl;
  /** Undefined when auth is off (no DASHPORT_SESSION_SECRET needed then). */
  readonly signer: TokenSigner | undefined;
  /** Local users; set when `basic` is on. */
  readonly passwords: PasswordVerifier | undefined;
  readonly signInLimiter: SignInLimiter;
  readonly resolvers: readonly IdentityResolver[];
  /** `WWW-Authenticate` for 401s, when HTTP Basic is on. */
  readonly challenge: string | undefined;
}

export interface AuthServicesOptions {
  readonly config: Pick<Config, 'auth' | 'apiToken' | 'trustProxy'>;
  readonly rules: AccessRules;
  /** Shared (Redis) or in-process counters for the sign-in limits. */
  readonly counters: RateLimitCounters;
  /** Told about every sign-in attempt (metric and log line; never the password). */
  readonly onSignIn?: (method: SignInMethod, outcome: SignInOutcome, name: string) => void;
}

/** Loads the users and keys files once, so a broken file stops the start with its line. */
export async function createAuthServices(options: AuthServicesOptions): Promise<AuthServices> {
  const { auth, apiToken, trustProxy } = options.config;
  const signer =
    auth.sessionSecret === undefined ? undefined : createTokenSigner(auth.sessionSecret);
  const challenge = auth.modes.includes('basic') ? BASIC_CHALLENGE : undefined;
  const signInLimiter = createSignInLimiter(options.counters);
  const resolvers: IdentityResolver[] = [];

  const keysFile = auth.enabled ? createWatchedFile(auth.keysFile, parseKeys) : undefined;
  if (keysFile !== undefined) await keysFile.get();
  if (keysFile !== undefined || (apiToken !== undefined && apiToken !== '')) {
    resolvers.push(
      createKeyResolver({ apiToken, keys: async () => (keysFile ? keysFile.get() : []) }),
    );
  }

  let passwords: PasswordVerifier | undefined;
  if (auth.modes.includes('basic')) {
    const usersFile = createWatchedFile(auth.usersFile, parseUsers);
    await usersFile.get();
    const verifier = createPasswordVerifier({ users: () => usersFile.get() });
    passwords = verifier;
    resolvers.push(
      createBasicResolver(
        {
          async verify(name, password, source, beforeCheck) {
            let checked = false;
            const user = await verifier.verify(name, password, source, async () => {
              checked = true;
              await beforeCheck?.();
            });
            // Cache hits are requests, not sign-ins: only counted when argon2 ran.
            if (checked) {
              options.onSignIn?.('basic', user === undefined ? 'failure' : 'success', name);
            }
            return user;
          },
        },
        {
          challenge: BASIC_CHALLENGE,
          beforeVerify: async (name, request) => {
            try {
              await signInLimiter.attempt(request.ip, name);
            } catch (error) {
              options.onSignIn?.('basic', 'limited', name);
              throw error;
            }
          },
        },
      ),
    );
  }

  if (auth.modes.includes('proxy') && auth.proxyUserHeader !== undefined) {
    resolvers.push(
      createProxyResolver({
        userHeader: auth.proxyUserHeader,
        groupsHeader: auth.proxyGroupsHeader,
        trusted: createTrustedPeer(trustProxy),
      }),
    );
  }

  if (auth.enabled && signer !== undefined) resolvers.push(createSessionResolver(signer));

  const access = createAccessControl({
    enabled: auth.enabled,
    defaultAccess: auth.defaultAccess,
    rules: options.rules,
    challenge,
  });
  return { access, signer, passwords, signInLimiter, resolvers, challenge };
}
