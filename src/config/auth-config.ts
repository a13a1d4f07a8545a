/**
 * The access-control part of the Config (SPEC §9): which identity providers are on, the
 * secret that signs sessions and embed tokens, where users and keys live, and the default
 * rule for resources without one. Parsed once with the rest of the Config.
 */
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { type Env, readEnum, readList, readString, readUrl } from './parse-env.js';

export type AuthMode = 'basic' | 'proxy' | 'oidc';
export type DefaultAccess = 'authenticated' | 'public';

export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  /** The ID-token / userinfo claim that carries the user's groups. */
  readonly groupsClaim: string;
}

export interface AuthConfig {
  /** Empty when auth is off (`DASHPORT_AUTH=none`, the default). */
  readonly modes: readonly AuthMode[];
  readonly enabled: boolean;
  /** Signs session cookies and embed tokens; set whenever auth is on. */
  readonly sessionSecret: string | undefined;
  /** Session lifetime in seconds. */
  readonly sessionTtlSeconds: number;
  readonly usersFile: string;
  readonly keysFile: string;
  readonly proxyUserHeader: string | undefined;
  readonly proxyGroupsHeader: string | undefined;
  readonly oidc: OidcConfig | undefined;
  /** Where the browser reaches this server (OIDC redirect URI, embed links). */
  readonly publicUrl: string | undefined;
  readonly defaultAccess: DefaultAccess;
  /** Origins allowed to frame signed embed URLs (`frame-ancestors` of embed responses only). */
  readonly embedOrigins: readonly string[];
}

const AUTH_MODES: readonly AuthMode[] = ['basic', 'proxy', 'oidc'];

/** The users and keys files, resolved against `cwd` (for the CLI, which needs no secret). */
export function credentialFiles(env: Env, cwd: string): { usersFile: string; keysFile: string } {
  return {
    usersFile: path.resolve(cwd, readString(env, 'DASHPORT_USERS_FILE') ?? './users.txt'),
    keysFile: path.resolve(cwd, readString(env, 'DASHPORT_KEYS_FILE') ?? './keys.txt'),
  };
}
export const SESSION_SECRET_MIN_CHARS = 32;
const DEFAULT_SESSION_TTL_SECONDS = 12 * 3600;

/** Build the auth part of the Config; throws ConfigError naming the variable on bad input. */
export function parseAuthConfig(env: Env, options: { cwd: string }): AuthConfig {
  const rawModes = readList(env, 'DASHPORT_AUTH').map((mode) => mode.toLowerCase());
  const modes: AuthMode[] = [];
  for (const mode of rawModes) {
    if (mode === 'none' && rawModes.length === 1) break;
    if (!(AUTH_MODES as readonly string[]).includes(mode)) {
      throw new ConfigError(
        `DASHPORT_AUTH must be none or a comma list of ${AUTH_MODES.join(', ')}, got "${rawModes.join(',')}"`,
        'DASHPORT_AUTH',
      );
    }
    if (!modes.includes(mode as AuthMode)) modes.push(mode as AuthMode);
  }
  const enabled = modes.length > 0;

  const sessionSecret = readString(env, 'DASHPORT_SESSION_SECRET');
  if (enabled && (sessionSecret === undefined || sessionSecret.length < SESSION_SECRET_MIN_CHARS)) {
    // Never echo the secret: say only how long it is.
    throw new ConfigError(
      `DASHPORT_SESSION_SECRET must be at least ${SESSION_SECRET_MIN_CHARS} characters when DASHPORT_AUTH is on, got ${sessionSecret === undefined ? 'none' : `${sessionSecret.length} characters`}`,
      'DASHPORT_SESSION_SECRET',
    );
  }

  const proxyUserHeader = readString(env, 'DASHPORT_PROXY_USER_HEADER')?.toLowerCase();
  const proxyGroupsHeader = readString(env, 'DASHPORT_PROXY_GROUPS_HEADER')?.toLowerCase();
  if (modes.includes('proxy') && proxyUserHeader === undefined) {
    throw new ConfigError(
      'DASHPORT_PROXY_USER_HEADER must name the identity header (e.g. X-Forwarded-User) when DASHPORT_AUTH includes proxy, got none',
      'DASHPORT_PROXY_USER_HEADER',
    );
  }

  const publicUrl = readUrl(env, 'DASHPORT_PUBLIC_URL', ['http:', 'https:']);
  let oidc: OidcConfig | undefined;
  if (modes.includes('oidc')) {
    const issuer = readUrl(env, 'DASHPORT_OIDC_ISSUER', ['http:', 'https:']);
    const clientId = readString(env, 'DASHPORT_OIDC_CLIENT_ID');
    if (issuer === undefined) {
      throw new ConfigError(
        'DASHPORT_OIDC_ISSUER must be the issuer URL (https://…) when DASHPORT_AUTH includes oidc, got none',
        'DASHPORT_OIDC_ISSUER',
      );
    }
    if (clientId === undefined) {
      throw new ConfigError(
        'DASHPORT_OIDC_CLIENT_ID must be set when DASHPORT_AUTH includes oidc, got none',
        'DASHPORT_OIDC_CLIENT_ID',
      );
    }
    if (publicUrl === undefined) {
      throw new ConfigError(
        'DASHPORT_PUBLIC_URL must be the URL browsers use to reach this server (for the OIDC redirect) when DASHPORT_AUTH includes oidc, got none',
        'DASHPORT_PUBLIC_URL',
      );
    }
    oidc = {
      issuer,
      clientId,
      clientSecret: readString(env, 'DASHPORT_OIDC_CLIENT_SECRET'),
      groupsClaim: readString(env, 'DASHPORT_OIDC_GROUPS_CLAIM') ?? 'groups',
    };
  }

  const embedOrigins = readList(env, 'DASHPORT_EMBED_ORIGINS');
  for (const origin of embedOrigins) {
    let ok: boolean;
    try {
      const url = new URL(origin);
      ok =
        (url.protocol === 'http:' || url.protocol === 'https:') &&
        url.origin === origin.replace(/\/$/, '');
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new ConfigError(
        `DASHPORT_EMBED_ORIGINS must be a comma-separated list of origins like https://intranet.example.com (scheme, host and optional port), got "${origin}"`,
        'DASHPORT_EMBED_ORIGINS',
      );
    }
  }

  return Object.freeze({
    modes: Object.freeze(modes),
    enabled,
    sessionSecret,
    sessionTtlSeconds: DEFAULT_SESSION_TTL_SECONDS,
    ...credentialFiles(env, options.cwd),
    proxyUserHeader,
    proxyGroupsHeader,
    oidc,
    publicUrl,
    defaultAccess: readEnum<DefaultAccess>(
      env,
      'DASHPORT_DEFAULT_ACCESS',
      enabled ? 'authenticated' : 'public',
      ['authenticated', 'public'],
    ),
    embedOrigins: Object.freeze(embedOrigins.map((origin) => origin.replace(/\/$/, ''))),
  });
}
