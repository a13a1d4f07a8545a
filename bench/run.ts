/**
 * `npm run bench [--no-build] [section…] [--rows N]`: runs the benchmarks against the built server (dist/) and writes
 * bench/RESULTS.md. Each section generates its own data; the machine is shared and noisy, so
 * sections report medians and ratios measured in the same run.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runAuthBench } from './auth/auth-bench.js';
import { runEngineBench } from './core/engine.js';
import { runLiveBench } from './live/live-bench.js';
import { runRuntimeBench } from './runtime/health-quick.js';
import { runRateLimitBench } from './runtime/rate-limit.js';
import { runScaleBench } from './scale/scale-bench.js';
import { runWebBench } from './web/web-budgets.js';
import { REPO_ROOT } from './lib/process.js';

interface Section {
  readonly name: string;
  /** Run only when named. */
  readonly explicit?: boolean;
  /** Every argument of the command line (a section reads its own options, e.g. `--rows`). */
  run(args: readonly string[]): Promise<{ markdown: string }>;
}

const SECTIONS: readonly Section[] = [
  { name: 'engine', run: runEngineBench },
  { name: 'runtime', run: runRuntimeBench },
  { name: 'web', run: runWebBench },
  { name: 'live', run: runLiveBench },
  { name: 'ratelimit', run: runRateLimitBench },
  { name: 'auth', run: runAuthBench },
  // Not part of a bare `npm run bench`: 100M rows take many minutes; ask for it by name.
  { name: 'scale', run: runScaleBench, explicit: true },
];

/** Options with a value, which are not section names: `--rows 5000000`. */
const VALUE_OPTIONS = ['--rows'];

function sectionNames(args: readonly string[]): string[] {
  return args.filter(
    (arg, index) => !arg.startsWith('--') && !VALUE_OPTIONS.includes(args[index - 1] ?? ''),
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const skipBuild = args.includes('--no-build');
  const wanted = sectionNames(args);
  const unknown = wanted.filter((name) => !SECTIONS.some((s) => s.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown section(s): ${unknown.join(', ')}; sections are: ${SECTIONS.map((s) => s.name).join(', ')}\n`,
    );
    process.exit(2);
  }
  if (!skipBuild) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const parts: string[] = [];
  const chosen = SECTIONS.filter((s) =>
    wanted.length === 0 ? s.explicit !== true : wanted.includes(s.name),
  );
  for (const section of chosen) {
    process.stderr.write(`\n=== bench: ${section.name}\n`);
    const result = await section.run(args);
    process.stdout.write(result.markdown + '\n');
    parts.push(result.markdown);
  }
  const header = `# Benchmark results

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}. The machine is shared; re-run for fresh numbers.
`;
  const file = path.join(REPO_ROOT, 'bench', 'RESULTS.md');
  // A run of some sections replaces those and keeps the others' last results (a bare run
  // keeps the explicit-only sections').
  const previous = await readSections(file);
  const fresh = new Map(parts.map((part) => [headingOf(part), part]));
  const merged = previous.map((part) => fresh.get(headingOf(part)) ?? part);
  for (const part of parts)
    if (!previous.some((p) => headingOf(p) === headingOf(part))) merged.push(part);
  await writeFile(file, [header, ...merged].join('\n'));
}

function headingOf(section: string): string {
  return section.split('\n', 1)[0] ?? '';
}

async function readSections(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split(/\n(?=## )/)
    .slice(1)
    .map((section) => section.trimEnd() + '\n');
}

await main();
