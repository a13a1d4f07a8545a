/**
 * The sign-in routes this module owns, wired from the Config in one call from buildApp:
 * `GET /auth/config` always, the OpenID Connect routes when DASHPORT_AUTH includes oidc.
 */
import type { FastifyInstance } from 'fastify';
import { createOidcSignIn } from '../../../auth/oidc/oidc-sign-in.js';
import { createTokenSigner } from '../../../auth/signed-token.js';
import type { Config } from '../../../config/config.js';
import type { Logger } from '../../../logger.js';
import { signInModesRoutes } from '../sign-in-modes/index.js';
import { OIDC_LOGIN_PATH, oidcRoutes } from './index.js';

export interface SignInRoutesOptions {
  readonly config: Pick<Config, 'auth' | 'isProduction'>;
  readonly logger: Logger;
  /** Counts OIDC sign-ins by outcome. */
  readonly onSignIn?: (outcome: 'success' | 'failure') => void;
}

export async function registerSignInRoutes(
  app: FastifyInstance,
  options: SignInRoutesOptions,
): Promise<void> {
  const { auth } = options.config;
  const { oidc: oidcConfig, sessionSecret, publicUrl } = auth;
  // parseAuthConfig guarantees all three when oidc is on; the check keeps the types honest.
  const oidc =
    oidcConfig !== undefined && sessionSecret !== undefined && publicUrl !== undefined
      ? createOidcSignIn({
          oidc: oidcConfig,
          publicUrl,
          signer: createTokenSigner(sessionSecret),
          log: options.logger.child({ component: 'oidc' }),
        })
      : undefined;
  await app.register(signInModesRoutes, {
    auth,
    oidcProvider: oidc?.providerName,
    oidcLoginPath: OIDC_LOGIN_PATH,
  });
  if (oidc === undefined || sessionSecret === undefined) return;
  app.addHook('onClose', async () => oidc.close());
  await app.register(oidcRoutes, {
    oidc,
    signer: createTokenSigner(sessionSecret),
    sessionTtlSeconds: auth.sessionTtlSeconds,
    secureCookies: options.config.isProduction,
    ...(options.onSignIn === undefined ? {} : { onSignIn: options.onSignIn }),
  });
}
