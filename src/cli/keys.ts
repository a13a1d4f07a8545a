/**
 * `dashport keys create --name N --scope read|write [--datasets a,b] | list | revoke NAME`:
 * API keys in DASHPORT_KEYS_FILE. `create` prints the key once; only its SHA-256 is stored.
 * Every change rewrites the file atomically; a running server picks it up within a second.
 */
import { Command, Option } from 'commander';
import { credentialFiles } from '../config/auth-config.js';
import { readEnvironment } from '../config/load.js';
import { readCredentialFile, writeCredentialFile } from '../auth/credential-file.js';
import {
  formatKeys,
  generateKey,
  hashKey,
  parseDatasetList,
  parseKeys,
  parseScope,
} from '../auth/keys-file.js';
import { checkName } from '../auth/users-file.js';
import { UsageError } from '../errors.js';

function keysFile(): string {
  return credentialFiles(readEnvironment(process.cwd()), process.cwd()).keysFile;
}

async function load(file: string) {
  return parseKeys(await readCredentialFile(file), file);
}

export interface KeysCreateFlags {
  readonly name: string;
  readonly scope: string;
  readonly datasets?: string;
}

/** Returns the new key (shown once) and a line for stderr. */
export async function keysCreate(flags: KeysCreateFlags): Promise<{ key: string; note: string }> {
  const name = checkName(flags.name, '--name');
  const scope = parseScope(flags.scope);
  const datasets = parseDatasetList(flags.datasets);
  const file = keysFile();
  const keys = await load(file);
  if (keys.some((key) => key.name === name)) {
    throw new UsageError(
      `--name: a key "${name}" exists in ${file}; revoke it first (dashport keys revoke ${name}) or choose another name`,
    );
  }
  const key = generateKey();
  keys.push({ name, hash: hashKey(key), scope, datasets, created: new Date().toISOString() });
  await writeCredentialFile(file, formatKeys(keys));
  return {
    key,
    note: `created ${scope} key ${name} (${datasets?.join(', ') ?? 'every dataset'}) in ${file}; it is shown only now: send it as "Authorization: Bearer <key>"`,
  };
}

export async function keysRevoke(name: string): Promise<string> {
  const file = keysFile();
  const keys = await load(file);
  const kept = keys.filter((key) => key.name !== name);
  if (kept.length === keys.length) {
    throw new UsageError(
      `NAME: no key "${name}" in ${file}; keys are: ${keys.map((key) => key.name).join(', ') || 'none'}`,
    );
  }
  await writeCredentialFile(file, formatKeys(kept));
  return `revoked key ${name} in ${file}`;
}

export async function keysList(): Promise<string> {
  const file = keysFile();
  const keys = await load(file);
  if (keys.length === 0) return `no keys in ${file}`;
  const width = Math.max(4, ...keys.map((key) => key.name.length));
  return [
    `${'NAME'.padEnd(width)}  SCOPE  CREATED                   DATASETS`,
    ...keys.map(
      (key) =>
        `${key.name.padEnd(width)}  ${key.scope.padEnd(5)}  ${key.created.padEnd(24)}  ${key.datasets?.join(',') ?? '*'}`,
    ),
  ].join('\n');
}

export function createKeysCommand(): Command {
  // exitOverride: a usage error of a subcommand reaches main's catch (exit 2) too.
  const keys = new Command('keys').description('API keys (DASHPORT_KEYS_FILE)').exitOverride();
  keys
    .command('create')
    .description('create a key and print it once (only its hash is stored)')
    .requiredOption('--name <name>', 'a name for the key (shown in logs, never the key)')
    .addOption(new Option('--scope <scope>', 'read or write').default('read'))
    .option('--datasets <ids>', 'comma-separated dataset ids the key may use (default: all)')
    .action(async (flags: KeysCreateFlags) => {
      const { key, note } = await keysCreate(flags);
      process.stdout.write(`${key}\n`);
      process.stderr.write(`${note}\n`);
    });
  keys
    .command('list')
    .description('list keys: name, scope, creation time, datasets (never the keys)')
    .action(async () => {
      process.stdout.write(`${await keysList()}\n`);
    });
  keys
    .command('revoke')
    .description('revoke a key by name')
    .argument('<name>', 'key name')
    .action(async (name: string) => {
      process.stdout.write(`${await keysRevoke(name)}\n`);
    });
  return keys;
}
