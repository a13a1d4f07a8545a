/** `--help` works on every command the dispatcher defines, and lists each subcommand. */
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/program.js';
import { runCli } from '../helpers/cli.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';

/** Every command path of the program: [], ['serve'], ['cache'], ['cache', 'build'], … */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return [prefix, ...command.commands.flatMap((sub) => commandPaths(sub, [...prefix, sub.name()]))];
}

const PATHS = commandPaths(createProgram());

let tmp: TempDir;

beforeAll(async () => {
  tmp = await createTempDir('help');
});

afterAll(async () => {
  await tmp?.remove();
});

describe('--help', () => {
  it('covers the commands of SPEC §2', () => {
    const names = PATHS.map((path) => path.join(' '));
    for (const name of [
      'serve',
      'dev',
      'cache',
      'cache build',
      'cache status',
      'cache clear',
      'check',
      'healthcheck',
      'status',
    ]) {
      expect(names).toContain(name);
    }
  });

  it.each(PATHS.map((path) => [path.join(' ') || '(root)', path] as const))(
    'dashport %s --help',
    async (_name, path) => {
      const result = await runCli([...path, '--help'], { cwd: tmp.path });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(`^Usage: dashport${path.map((part) => ` ${part}`).join('')}( |$)`, 'm'),
      );
      expect(result.stderr).toBe('');
    },
  );

  it('the root help lists every top-level command with its description', async () => {
    const result = await runCli(['--help'], { cwd: tmp.path });
    for (const command of createProgram().commands) {
      expect(result.stdout).toContain(command.name());
      expect(result.stdout).toContain(command.description().slice(0, 20));
    }
  });
});
