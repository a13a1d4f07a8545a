#!/usr/bin/env node
/**
 * The `dashport` command. The only top-level catch and the only process.exit: every failure
 * becomes a one-line message and the exit code of its error (2 usage/config, 1 runtime).
 */
import { createProgram } from './cli/program.js';
import { EXIT_RUNTIME, EXIT_USAGE, isDashportError } from './errors.js';
import { redactUrlSecrets } from './logger.js';

async function main(argv: readonly string[]): Promise<void> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (isDashportError(error)) {
      process.stderr.write(`dashport: ${redactUrlSecrets(error.message)}\n`);
      process.exit(error.exitCode);
    }
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // commander already printed its message (or help/version, which are not errors).
      process.exit(
        code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : EXIT_USAGE,
      );
    }
    process.stderr.write(
      `dashport: ${redactUrlSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
    );
    process.exit(EXIT_RUNTIME);
  }
}

await main(process.argv);
