/**
 * `GET /auth/config`: how one may sign in here, for the web app's sign-in page — which modes
 * are on, and where the OpenID Connect button leads. Public by design (the page is shown
 * before anyone has signed in) and free of secrets: no client id, no issuer secret.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthConfig } from '../../../config/auth-config.js';
import type { SignInModes } from '../../../shared/sign-in-types.js';

export const SIGN_IN_MODES_PATH = '/auth/config';

export interface SignInModesOptions {
  readonly auth: Pick<AuthConfig, 'modes' | 'enabled'>;
  /** The OIDC button's label (the issuer's host), when OIDC is on. */
  readonly oidcProvider: string | undefined;
  readonly oidcLoginPath: string;
}

export async function signInModesRoutes(
  app: FastifyInstance,
  options: SignInModesOptions,
): Promise<void> {
  const body: SignInModes = {
    enabled: options.auth.enabled,
    modes: [...options.auth.modes],
    basic: options.auth.modes.includes('basic') ? { loginPath: '/auth/login' } : null,
    oidc:
      options.auth.modes.includes('oidc') && options.oidcProvider !== undefined
        ? { provider: options.oidcProvider, loginPath: options.oidcLoginPath }
        : null,
  };
  app.withTypeProvider<ZodTypeProvider>().get(
    SIGN_IN_MODES_PATH,
    {
      schema: {
        hide: true,
        response: {
          200: z.object({
            enabled: z.boolean(),
            modes: z.array(z.enum(['basic', 'proxy', 'oidc'])),
            basic: z.object({ loginPath: z.string() }).nullable(),
            oidc: z.object({ provider: z.string(), loginPath: z.string() }).nullable(),
          }),
        },
      },
    },
    async (_request, reply) => reply.header('Cache-Control', 'no-cache').send(body),
  );
}
