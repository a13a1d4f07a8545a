/**
 * `dashport users add NAME --groups a,b | remove NAME | list`: the local users of `basic`
 * sign-in in DASHPORT_USERS_FILE. Only argon2id hashes are stored; every change rewrites the
 * file atomically, and a running server picks it up within a second.
 */
import { Command } from 'commander';
import { credentialFiles } from '../config/auth-config.js';
import { readEnvironment } from '../config/load.js';
import { readCredentialFile, writeCredentialFile } from '../auth/credential-file.js';
import { checkName, formatUsers, parseGroups, parseUsers } from '../auth/users-file.js';
import { UsageError } from '../errors.js';
import { readPassword } from './read-password.js';

function usersFile(): string {
  return credentialFiles(readEnvironment(process.cwd()), process.cwd()).usersFile;
}

async function load(file: string) {
  return parseUsers(await readCredentialFile(file), file);
}

export async function usersAdd(
  name: string,
  flags: { groups?: string },
  password?: string,
): Promise<string> {
  checkName(name, 'NAME');
  const groups = parseGroups(flags.groups ?? '');
  const file = usersFile();
  const users = await load(file);
  const existed = users.has(name);
  const secret = password ?? (await readPassword());
  // argon2 is a native module: loaded only by the command that hashes.
  const { hashPassword } = await import('../auth/password-verifier.js');
  const hash = await hashPassword(secret);
  users.set(name, { name, hash, groups });
  await writeCredentialFile(file, formatUsers(users.values()));
  return `${existed ? 'updated' : 'added'} user ${name} (groups: ${groups.join(', ') || 'none'}) in ${file}`;
}

export async function usersRemove(name: string): Promise<string> {
  const file = usersFile();
  const users = await load(file);
  if (!users.delete(name)) {
    throw new UsageError(
      `NAME: no user "${name}" in ${file}; users are: ${[...users.keys()].join(', ') || 'none'}`,
    );
  }
  await writeCredentialFile(file, formatUsers(users.values()));
  return `removed user ${name} from ${file}`;
}

export async function usersList(): Promise<string> {
  const file = usersFile();
  const users = [...(await load(file)).values()];
  if (users.length === 0) return `no users in ${file}`;
  const width = Math.max(4, ...users.map((user) => user.name.length));
  return [
    `${'NAME'.padEnd(width)}  GROUPS`,
    ...users.map((user) => `${user.name.padEnd(width)}  ${user.groups.join(',') || '-'}`),
  ].join('\n');
}

export function createUsersCommand(): Command {
  const users = new Command('users')
    .description('local users for DASHPORT_AUTH=basic (DASHPORT_USERS_FILE)')
    .exitOverride();
  users
    .command('add')
    .description('add a user or replace its password and groups (password from a prompt or stdin)')
    .argument('<name>', 'user name')
    .option('--groups <list>', 'comma-separated groups')
    .action(async (name: string, flags: { groups?: string }) => {
      process.stdout.write(`${await usersAdd(name, flags)}\n`);
    });
  users
    .command('remove')
    .description('remove a user')
    .argument('<name>', 'user name')
    .action(async (name: string) => {
      process.stdout.write(`${await usersRemove(name)}\n`);
    });
  users
    .command('list')
    .description('list users and their groups (never the hashes)')
    .action(async () => {
      process.stdout.write(`${await usersList()}\n`);
    });
  return users;
}
