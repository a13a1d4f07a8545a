/**
 * Everything access control needs, built once per app from the Config: the token signer,
 * the ordered identity resolvers and the AccessControl. Sign-in methods that bring a
 * credential of their own add a resolver here (keep the order: the most specific first).
 */
import type { Config } from '../config/config.js';
import { type AccessControl, BASIC_CHALLENGE, createAccessControl } from './access-control.js';
import type { IdentityResolver } from './identity-resolver.js';
import type { AccessRules } from './policy.js';
import { createSessionResolver } from './session-resolver.js';
import { type TokenSigner, createTokenSigner } from './signed-token.js';

export interface AuthServices {
  readonly access: AccessControl;
  /** Undefined when auth is off (no DASHPORT_SESSION_SECRET needed then). */
  readonly signer: TokenSigner | undefined;
  readonly resolvers: readonly IdentityResolver[];
}

export interface AuthServicesOptions {
  readonly config: Pick<Config, 'auth'>;
  readonly rules: AccessRules;
}

export function createAuthServices(options: AuthServicesOptions): AuthServices {
  const { auth } = options.config;
  const signer =
    auth.sessionSecret === undefined ? undefined : createTokenSigner(auth.sessionSecret);
  const resolvers: IdentityResolver[] = [];
  if (auth.enabled && signer !== undefined) resolvers.push(createSessionResolver(signer));
  const access = createAccessControl({
    enabled: auth.enabled,
    defaultAccess: auth.defaultAccess,
    rules: options.rules,
    challenge: auth.modes.includes('basic') ? BASIC_CHALLENGE : undefined,
  });
  return { access, signer, resolvers };
}
