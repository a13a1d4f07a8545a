import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/config.js';
import {
  DOCKERFILE_PATH,
  type Stage,
  execForm,
  healthcheck,
  lastInstruction,
  readDockerfile,
  stageEnv,
} from './dockerfile.js';
import { REPO_ROOT } from './run-command.js';

const stages = readDockerfile();
const byName = (name: string): Stage => {
  const stage = stages.find((s) => s.name === name);
  if (stage === undefined) throw new Error(`no stage ${name}`);
  return stage;
};
const runtime = stages.at(-1) as Stage;

describe('deploy/Dockerfile', () => {
  it('builds in stages and runs on node:20-slim', () => {
    expect(stages.map((s) => s.name)).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    expect(byName('deps').from).toBe('node:20-slim');
    expect(byName('build').from).toBe('deps');
    expect(runtime.from).toBe('node:20-slim');
  });

  it('installs production dependencies only into the runtime image, without lifecycle scripts', () => {
    const prodDeps = byName('prod-deps')
      .instructions.filter((i) => i.keyword === 'RUN')
      .map((i) => i.args);
    expect(prodDeps.join(' ')).toMatch(/npm ci --omit=dev --ignore-scripts/);
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toContain('--from=prod-deps /app/node_modules ./node_modules');
    expect(copies.filter((c) => c.includes('node_modules'))).toHaveLength(1);
    for (const needed of ['/app/dist', '/app/package.json', '/app/examples']) {
      expect(
        copies.some((c) => c.startsWith(`--from=build ${needed} `)),
        needed,
      ).toBe(true);
    }
  });

  it('runs as the non-root node user under tini, on port 8050, with the cache as a volume', () => {
    expect(lastInstruction(runtime, 'USER')?.args).toBe('node');
    expect(lastInstruction(runtime, 'EXPOSE')?.args).toBe('8050');
    expect(execForm(lastInstruction(runtime, 'VOLUME'))).toEqual(['/app/data_cache']);
    expect(execForm(lastInstruction(runtime, 'ENTRYPOINT'))).toEqual(['/usr/bin/tini', '--']);
    expect(execForm(lastInstruction(runtime, 'CMD'))).toEqual([
      'node',
      'dist/src/main.js',
      'serve',
    ]);
    expect(lastInstruction(runtime, 'WORKDIR')?.args).toBe('/app');
    const installsTini = runtime.instructions.some(
      (i) => i.keyword === 'RUN' && /apt-get install .*\btini\b/.test(i.args),
    );
    expect(installsTini).toBe(true);
  });

  it('checks its health with `dashport healthcheck` (no curl), after a start period', () => {
    const check = healthcheck(runtime);
    expect(check.command).toEqual(['node', 'dist/src/main.js', 'healthcheck']);
    expect(check.startPeriodS).toBeGreaterThanOrEqual(60);
    expect(check.intervalS).toBeGreaterThan(0);
  });

  it("sets a production environment the server's config parser accepts", () => {
    const env = stageEnv(runtime);
    expect(env).toMatchObject({ NODE_ENV: 'production', DASHPORT_CACHE_DIR: '/app/data_cache' });
    expect(env.DASHPORT_DATA_DIR).toBeUndefined();
    const config = buildConfig(env, { cwd: '/app', version: 'test' });
    expect(config.host).toBe('0.0.0.0');
    expect(config.port).toBe(8050);
    expect(config.cacheDir).toBe('/app/data_cache');
  });

  it('avoids what buildah cannot build: COPY --link and heredoc RUN', () => {
    const text = readFileSync(DOCKERFILE_PATH, 'utf8');
    expect(text).not.toMatch(/^\s*COPY\s+(\S+\s+)*--link/m);
    expect(text).not.toMatch(/^\s*RUN\s.*<</m);
  });
});

describe('.dockerignore and Procfile', () => {
  it('keeps dependencies, build output, caches and VCS data out of the build context', () => {
    const ignored = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const entry of [
      '.git',
      '**/node_modules',
      'dist',
      'data_cache',
      'bench',
      'test-artifacts',
      '.env',
    ]) {
      expect(ignored, entry).toContain(entry);
    }
    // What the build stage copies and needs must stay in the context.
    for (const kept of [
      'package.json',
      'package-lock.json',
      'src',
      'web',
      'examples',
      'tsconfig.json',
      'deploy/Dockerfile',
    ]) {
      expect(ignored, kept).not.toContain(kept);
    }
  });

  it('starts the PaaS web process with the same command as the image', () => {
    const procfile = readFileSync(path.join(REPO_ROOT, 'Procfile'), 'utf8').trim();
    expect(procfile).toBe(`web: ${execForm(lastInstruction(runtime, 'CMD')).join(' ')}`);
  });
});
