/**
 * The password for `dashport users add`: typed twice at a hidden prompt on a TTY, else read
 * from stdin (one line, so `printf '%s\n' "$PW" | dashport users add ada` works in scripts).
 * Never an argument: arguments end up in shell history and in `ps`.
 */
import { createInterface } from 'node:readline';
import { UsageError } from '../errors.js';

export const MIN_PASSWORD_CHARS = 8;

async function prompt(question: string): Promise<string> {
  const output = process.stderr;
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  // Echo nothing but the question while the password is typed.
  const write = (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput;
  (rl as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text) => {
    if (text.includes(question)) write.call(rl, text);
  };
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    output.write('\n');
    rl.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

export function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD_CHARS) {
    throw new UsageError(
      `the password must be at least ${MIN_PASSWORD_CHARS} characters, got ${password.length}`,
    );
  }
  return password;
}

export async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return checkPassword(await readStdin());
  const first = checkPassword(await prompt('Password: '));
  const second = await prompt('Repeat the password: ');
  if (first !== second) throw new UsageError('the two passwords differ; nothing was changed');
  return first;
}
