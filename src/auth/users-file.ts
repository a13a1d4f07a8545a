/**
 * DASHPORT_USERS_FILE: one local user a line, `name:argon2-hash:group1,group2` (the htpasswd
 * shape; argon2's PHC strings have no colon). `#` starts a comment. Parsing is pure; the
 * CLI writes the file atomically (credential-file.ts).
 */
import { ConfigError } from '../errors.js';

export interface StoredUser {
  readonly name: string;
  /** An argon2id PHC string (`$argon2id$v=19$…`). */
  readonly hash: string;
  readonly groups: readonly string[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const GROUP = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

/** Throws a message naming `what` unless `name` is a valid user, key or group name. */
export function checkName(value: string, what: string): string {
  if (!NAME.test(value)) {
    throw new ConfigError(
      `${what} must be 1-128 letters, digits, ".", "_", "@" or "-" (starting with a letter or digit), got "${value}"`,
    );
  }
  return value;
}

/** `a,b` → `['a','b']`, each checked; empty → none. */
export function parseGroups(raw: string, what = '--groups'): string[] {
  const groups = raw
    .split(',')
    .map((group) => group.trim())
    .filter((group) => group !== '');
  for (const group of groups) {
    if (!GROUP.test(group)) {
      throw new ConfigError(
        `${what} must be a comma list of group names (letters, digits, ".", "_", "@", "-"), got "${group}"`,
      );
    }
  }
  return [...new Set(groups)];
}

export function parseUsers(text: string, file: string): Map<string, StoredUser> {
  const users = new Map<string, StoredUser>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${file}:${index + 1}`;
    const [name = '', hash = '', groups = '', ...rest] = line.split(':');
    if (rest.length > 0 || !hash.startsWith('$argon2')) {
      throw new ConfigError(
        `${where}: expected "name:argon2-hash:groups" (as written by dashport users add), got a line of ${line.split(':').length} fields`,
      );
    }
    if (!NAME.test(name)) throw new ConfigError(`${where}: invalid user name "${name}"`);
    if (users.has(name)) throw new ConfigError(`${where}: user "${name}" is listed twice`);
    users.set(name, { name, hash, groups: parseGroups(groups, `${where}: groups`) });
  });
  return users;
}

export function formatUsers(users: Iterable<StoredUser>): string {
  const lines = ['# Dashport users: name:argon2-hash:groups (managed by `dashport users`)'];
  for (const user of users) lines.push(`${user.name}:${user.hash}:${user.groups.join(',')}`);
  return `${lines.join('\n')}\n`;
}
