/**
 * DASHPORT_KEYS_FILE: one API key a line, `name:sha256-hex:scope:datasets:created` (datasets
 * `*` for all). Only the hash is stored: a key is 32 random bytes, so a plain SHA-256 cannot
 * be brute-forced and costs microseconds per request, unlike a password hash.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ConfigError } from '../errors.js';
import type { KeyScope } from './identity.js';
import { checkName } from './users-file.js';

export interface StoredKey {
  readonly name: string;
  /** SHA-256 of the key, hex. */
  readonly hash: string;
  readonly scope: KeyScope;
  /** Undefined: every dataset. */
  readonly datasets: readonly string[] | undefined;
  /** ISO time of `keys create`. */
  readonly created: string;
}

/** Keys start with this, so a leaked one is recognisable (secret scanners, logs). */
export const KEY_PREFIX = 'dpk_';

export function generateKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function parseScope(raw: string, what = '--scope'): KeyScope {
  if (raw !== 'read' && raw !== 'write') {
    throw new ConfigError(`${what} must be read or write, got "${raw}"`);
  }
  return raw;
}

const DATASET_ID = /^[a-z0-9][a-z0-9._-]*$/;

/** `a,b` → ids; empty or `*` → undefined (every dataset). */
export function parseDatasetList(
  raw: string | undefined,
  what = '--datasets',
): string[] | undefined {
  if (raw === undefined || raw.trim() === '' || raw.trim() === '*') return undefined;
  const ids = raw.split(',').map((id) => id.trim());
  for (const id of ids) {
    if (!DATASET_ID.test(id)) {
      throw new ConfigError(
        `${what} must be a comma list of dataset ids (lower-case letters, digits, ".", "_", "-"), got "${id}"`,
      );
    }
  }
  return [...new Set(ids)];
}

export function parseKeys(text: string, file: string): StoredKey[] {
  const keys: StoredKey[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${file}:${index + 1}`;
    const fields = line.split(':');
    // The ISO time has colons of its own: it is everything after the fourth field.
    const [name = '', hash = '', scope = '', datasets = ''] = fields;
    const created = fields.slice(4).join(':');
    if (fields.length < 5 || !/^[0-9a-f]{64}$/.test(hash)) {
      throw new ConfigError(
        `${where}: expected "name:sha256:scope:datasets:created" (as written by dashport keys create)`,
      );
    }
    checkName(name, `${where}: key name`);
    if (keys.some((key) => key.name === name)) {
      throw new ConfigError(`${where}: key "${name}" is listed twice`);
    }
    keys.push({
      name,
      hash,
      scope: parseScope(scope, `${where}: scope`),
      datasets: parseDatasetList(datasets, `${where}: datasets`),
      created,
    });
  });
  return keys;
}

export function formatKeys(keys: Iterable<StoredKey>): string {
  const lines = [
    '# Dashport API keys: name:sha256:scope:datasets:created (managed by `dashport keys`)',
  ];
  for (const key of keys) {
    lines.push(
      `${key.name}:${key.hash}:${key.scope}:${key.datasets?.join(',') ?? '*'}:${key.created}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
