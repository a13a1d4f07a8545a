/**
 * `npm run bench [--no-build] [section…]`: runs the benchmarks against the built server (dist/) and writes
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
import { runWebBench } from './web/web-budgets.js';
import { REPO_ROOT } from './lib/process.js';

interface Section {
  readonly name: string;
  run(): Promise<{ markdown: string }>;
}

const SECTIONS: readonly Section[] = [
  { name: 'engine', run: runEngineBench },
  { name: 'runtime', run: runRuntimeBench },
  { name: 'web', run: runWebBench },
  { name: 'live', run: runLiveBench },
  { name: 'auth', run: runAuthBench },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const skipBuild = args.includes('--no-build');
  const wanted = args.filter((arg) => arg !== '--no-build');
  const unknown = wanted.filter((name) => !SECTIONS.some((s) => s.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown section(s): ${unknown.join(', ')}; sections are: ${SECTIONS.map((s) => s.name).join(', ')}\n`,
    );
    process.exit(2);
  }
  if (!skipBuild) execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const parts: string[] = [];
  for (const section of SECTIONS.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
    process.stderr.write(`\n=== bench: ${section.name}\n`);
    const result = await section.run();
    process.stdout.write(result.markdown + '\n');
    parts.push(result.markdown);
  }
  const header = `# Benchmark results

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}. The machine is shared; re-run for fresh numbers.
`;
  const file = path.join(REPO_ROOT, 'bench', 'RESULTS.md');
  // A run of some sections replaces those and keeps the others' last results.
  const previous = wanted.length === 0 ? [] : await readSections(file);
  const fresh = new Map(parts.map((part) => [headingOf(part), part]));
  const merged = previous.map((part) => fresh.get(headingOf(part)) ?? part);
  for (const part of parts)
    if (!previous.some((p) => headingOf(p) === headingOf(part))) merged.push(part);
  await writeFile(file, [header, ...(wanted.length === 0 ? parts : merged)].join('\n'));
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
