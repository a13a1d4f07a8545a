/**
 * What `dashport embed` does: make a signed embed URL for an `<iframe>` (SPEC §9). The token locks the dashboard and the given filter values; it is signed
 * with DASHPORT_SESSION_SECRET, so every worker and replica with that secret accepts it and
 * nothing needs to be stored. The URL alone goes to stdout (for scripts); notes go to stderr.
 */
import { parseExpiry } from '../auth/embed-expiry.js';
import { checkEmbedFilters, parseFilterFlags } from '../auth/embed-filters.js';
import { embedUrl } from '../auth/embed-link.js';
import { signEmbed } from '../auth/session-claims.js';
import { createTokenSigner } from '../auth/signed-token.js';
import { SESSION_SECRET_MIN_CHARS } from '../config/auth-config.js';
import type { Config } from '../config/config.js';
import { loadConfig } from '../config/load.js';
import { loadDashboards } from '../dashboards/load-dashboards.js';
import { ConfigError, UsageError } from '../errors.js';
import type { DashboardDefinition } from '../shared/dashboard-types.js';

export interface EmbedFlags {
  readonly filter: readonly string[];
  readonly expires: string;
}

export interface EmbedLink {
  readonly url: string;
  readonly expiresAt: Date;
  readonly filters: Readonly<Record<string, string>>;
}

async function findDashboard(dir: string, id: string): Promise<DashboardDefinition> {
  const { definitions, entries } = await loadDashboards(dir);
  const definition = definitions.get(id);
  if (definition) return definition;
  const entry = entries.find((candidate) => candidate.id === id);
  if (entry) {
    throw new UsageError(
      `DASHBOARD "${id}" (${entry.file}) is invalid: ${entry.problems.map((problem) => `${problem.path || 'file'}: ${problem.message}`).join('; ')}`,
    );
  }
  throw new UsageError(
    `DASHBOARD must be the id of a dashboard in ${dir}, got "${id}"; dashboards are: ${[...definitions.keys()].join(', ') || '(none)'}`,
  );
}

function requireSecret(config: Config): string {
  const secret = config.auth.sessionSecret;
  if (secret === undefined || secret.length < SESSION_SECRET_MIN_CHARS) {
    // Never echo the secret: say only how long it is.
    throw new ConfigError(
      `DASHPORT_SESSION_SECRET must be set to at least ${SESSION_SECRET_MIN_CHARS} characters to sign embed links (the server needs the same value), got ${secret === undefined ? 'none' : `${secret.length} characters`}`,
      'DASHPORT_SESSION_SECRET',
    );
  }
  return secret;
}

/** Make the link; `now` is injectable so tests can pin the expiry. */
export async function createEmbedLink(
  config: Config,
  dashboard: string,
  flags: EmbedFlags,
  now: () => number = Date.now,
): Promise<EmbedLink> {
  const ttlSeconds = parseExpiry(flags.expires);
  const filters = parseFilterFlags(flags.filter);
  const secret = requireSecret(config);
  const definition = await findDashboard(config.dashboardsDir, dashboard);
  checkEmbedFilters(definition, filters);
  const token = await signEmbed(createTokenSigner(secret, now), definition.id, filters, ttlSeconds);
  const base = config.auth.publicUrl ?? `http://localhost:${config.port}`;
  return {
    url: embedUrl(base, definition.id, token),
    expiresAt: new Date((Math.floor(now() / 1000) + ttlSeconds) * 1000),
    filters,
  };
}

export async function embed(dashboard: string, flags: EmbedFlags): Promise<void> {
  const config = loadConfig();
  const link = await createEmbedLink(config, dashboard, flags);
  process.stdout.write(`${link.url}\n`);
  const locked = Object.entries(link.filters).map(([key, value]) => `${key}=${value}`);
  const notes = [
    `expires ${link.expiresAt.toISOString()}`,
    locked.length > 0 ? `locked filters: ${locked.join(', ')}` : 'no locked filters',
  ];
  if (config.auth.publicUrl === undefined) {
    notes.push('DASHPORT_PUBLIC_URL is not set: the link points at localhost');
  }
  if (config.auth.embedOrigins.length === 0) {
    notes.push('DASHPORT_EMBED_ORIGINS is empty: no site may frame the link yet');
  }
  process.stderr.write(`dashport embed: ${notes.join('; ')}\n`);
}
