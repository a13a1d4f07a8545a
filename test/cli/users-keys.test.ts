/**
 * `dashport users` and `dashport keys` as real processes over real files: hashes only,
 * atomic rewrites, clear errors with exit code 2, the key printed once.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { verify } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey, parseKeys } from '../../src/auth/keys-file.js';
import { parseUsers } from '../../src/auth/users-file.js';
import { runCli } from '../helpers/cli.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';

let tmp: TempDir;
let env: Record<string, string>;

beforeAll(async () => {
  tmp = await createTempDir('dashport-auth-cli-');
  env = {
    DASHPORT_USERS_FILE: path.join(tmp.path, 'secrets', 'users.txt'),
    DASHPORT_KEYS_FILE: path.join(tmp.path, 'secrets', 'keys.txt'),
  };
});

afterAll(async () => {
  await tmp?.remove();
});

const cli = (args: string[], input?: string) =>
  runCli(args, { cwd: tmp.path, env, ...(input === undefined ? {} : { input }) });

describe('dashport users', () => {
  it('adds a user from stdin with an argon2id hash, lists and removes it', async () => {
    const added = await cli(['users', 'add', 'ada', '--groups', 'finance,ops'], 'correct horse\n');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/added user ada \(groups: finance, ops\)/);

    const file = env['DASHPORT_USERS_FILE'] ?? '';
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('correct horse');
    const user = parseUsers(text, file).get('ada');
    expect(user?.groups).toEqual(['finance', 'ops']);
    expect(user?.hash).toMatch(/^\$argon2id\$/);
    expect(await verify(user?.hash ?? '', 'correct horse')).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // Atomic writes leave no temp files behind.
    expect(await readdir(path.dirname(file))).toEqual(['users.txt']);

    await cli(['users', 'add', 'bob'], 'another password\n');
    const listed = await cli(['users', 'list']);
    expect(listed.stdout).toMatch(/ada\s+finance,ops/);
    expect(listed.stdout).toMatch(/bob\s+-/);
    expect(listed.stdout).not.toContain('$argon2');

    const removed = await cli(['users', 'remove', 'ada']);
    expect(removed.code).toBe(0);
    expect((await cli(['users', 'list'])).stdout).not.toContain('ada');
  });

  it('refuses bad input with exit code 2 and a message naming it', async () => {
    const short = await cli(['users', 'add', 'eve'], 'short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/at least 8 characters/);
    const badName = await cli(['users', 'add', 'e:ve'], 'long enough pw\n');
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/NAME must be/);
    const badGroup = await cli(['users', 'add', 'eve', '--groups', 'a b'], 'long enough pw\n');
    expect(badGroup.code).toBe(2);
    expect(badGroup.stderr).toMatch(/--groups/);
    const missing = await cli(['users', 'remove', 'nobody']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no user "nobody"/);
  });
});

describe('dashport keys', () => {
  it('prints a key once, stores only its hash, lists and revokes it', async () => {
    const created = await cli([
      'keys',
      'create',
      '--name',
      'ci',
      '--scope',
      'write',
      '--datasets',
      'spots,trends',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^dpk_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/shown only now/);

    const file = env['DASHPORT_KEYS_FILE'] ?? '';
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(key);
    const [stored] = parseKeys(text, file);
    expect(stored).toMatchObject({
      name: 'ci',
      hash: hashKey(key),
      scope: 'write',
      datasets: ['spots', 'trends'],
    });

    const listed = await cli(['keys', 'list']);
    expect(listed.stdout).toMatch(/ci\s+write\s+\S+\s+spots,trends/);
    expect(listed.stdout).not.toContain(key);

    const again = await cli(['keys', 'create', '--name', 'ci']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists/);

    expect((await cli(['keys', 'revoke', 'ci'])).code).toBe(0);
    expect((await cli(['keys', 'list'])).stdout).toMatch(/no keys/);
    const gone = await cli(['keys', 'revoke', 'ci']);
    expect(gone.code).toBe(2);
  });

  it('refuses a bad scope or dataset list', async () => {
    const scope = await cli(['keys', 'create', '--name', 'x', '--scope', 'admin']);
    expect(scope.code).toBe(2);
    expect(scope.stderr).toMatch(/--scope/);
    const datasets = await cli(['keys', 'create', '--name', 'x', '--datasets', 'Bad Id']);
    expect(datasets.code).toBe(2);
    expect(datasets.stderr).toMatch(/--datasets/);
  });
});
