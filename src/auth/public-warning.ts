import type { Config } from '../config/config.js';

/**
 * The start-up warning of SPEC §9: in production with DASHPORT_AUTH=none anyone who reaches
 * the port reads every dataset. Undefined when there is nothing to warn about.
 */
export function publicDataWarning(
  config: Pick<Config, 'auth' | 'isProduction'>,
): string | undefined {
  if (config.auth.enabled || !config.isProduction) return undefined;
  return 'DASHPORT_AUTH=none: every dataset and dashboard is public to anyone who can reach this server; set DASHPORT_AUTH (basic, proxy, oidc) and DASHPORT_SESSION_SECRET to require sign-in';
}
