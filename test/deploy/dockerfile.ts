/**
 * A small reader of deploy/Dockerfile: instructions per stage, with line continuations
 * joined, so that tests can check the image's settings and start the server exactly as
 * the image's CMD does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './run-command.js';

/** The shipped Dockerfile. */
export const DOCKERFILE_PATH = path.join(REPO_ROOT, 'deploy', 'Dockerfile');

/** One instruction: keyword in upper case and its arguments as written. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** A build stage: its base, its name and its instructions after FROM. */
export interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/** Stages of the Dockerfile, with `${ARG}` in FROM resolved from the global ARG defaults. */
export function readDockerfile(text = readFileSync(DOCKERFILE_PATH, 'utf8')): Stage[] {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const globalArgs = new Map<string, string>();
  const stages: { from: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const line of logical) {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    const keyword = (match?.[1] ?? '').toUpperCase();
    const args = match?.[2] ?? '';
    if (keyword === 'FROM') {
      const [image = '', as, name] = args.split(/\s+/);
      const from = image.replace(/\$\{(\w+)\}/g, (_, arg: string) => globalArgs.get(arg) ?? '');
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0 && keyword === 'ARG') {
      const [argName = '', value = ''] = args.split('=');
      globalArgs.set(argName, value);
    } else {
      stages.at(-1)?.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** The last instruction with this keyword in a stage. */
export function lastInstruction(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}

/** `ENV A=1 B=2` instructions of a stage as a map. */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    for (const pair of args.split(/\s+/)) {
      const [name, ...value] = pair.split('=');
      if (name !== undefined && name !== '') env[name] = value.join('=');
    }
  }
  return env;
}

/** The exec-form (JSON array) arguments of an instruction such as CMD or ENTRYPOINT. */
export function execForm(instruction: Instruction | undefined): string[] {
  if (instruction === undefined) throw new Error('instruction missing');
  const parsed: unknown = JSON.parse(instruction.args);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) {
    throw new Error(`${instruction.keyword} is not in exec form: ${instruction.args}`);
  }
  return parsed;
}

/** HEALTHCHECK options (`--start-period=120s` → startPeriodS: 120) and its command. */
export function healthcheck(stage: Stage): {
  startPeriodS: number;
  intervalS: number;
  command: string[];
} {
  const instruction = lastInstruction(stage, 'HEALTHCHECK');
  if (instruction === undefined) throw new Error('no HEALTHCHECK');
  const cmdAt = instruction.args.indexOf('CMD ');
  const options = instruction.args.slice(0, cmdAt);
  const seconds = (name: string): number =>
    Number(new RegExp(`--${name}=(\\d+)s`).exec(options)?.[1] ?? NaN);
  return {
    startPeriodS: seconds('start-period'),
    intervalS: seconds('interval'),
    command: execForm({ keyword: 'CMD', args: instruction.args.slice(cmdAt + 4) }),
  };
}
