import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildConfig } from '../../src/config/config.js';
import { REPO_ROOT, requireTool, runCommand } from './run-command.js';

const DEPLOY_DIR = path.join(REPO_ROOT, 'deploy');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  command?: string[] | string;
  environment?: Record<string, string | null>;
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { resources?: { limits?: { cpus?: string | number; memory?: string } } };
  restart?: string;
  profiles?: string[];
  ports?: unknown[];
  volumes?: unknown[];
  stop_grace_period?: string;
}
interface ComposeConfig {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

// Run from a directory without a .env so the defaults are what gets validated.
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  return env;
};

const rendered = new Map<string, ComposeConfig>();

/** `config -q` must pass, then the rendered file (cached: each call costs ~1 s). */
function composeConfig(file: string, extra: readonly string[] = []): ComposeConfig {
  const key = [file, ...extra].join(' ');
  const cached = rendered.get(key);
  if (cached !== undefined) return cached;
  const tool = requireTool('docker-compose', 'docker-compose');
  const quiet = runCommand(tool, ['-f', file, ...extra, 'config', '-q'], { env: cleanEnv() });
  expect(quiet.status, quiet.output).toBe(0);
  const full = runCommand(tool, ['-f', file, ...extra, 'config'], { env: cleanEnv() });
  expect(full.status, full.output).toBe(0);
  const config = parse(full.stdout) as ComposeConfig;
  rendered.set(key, config);
  return config;
}

function service(config: ComposeConfig, name: string): ComposeService {
  const found = config.services[name];
  if (found === undefined)
    throw new Error(`service ${name} missing from the rendered compose file`);
  return found;
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('deploy/docker-compose.yml (docker-compose config)', () => {
  const file = path.join(DEPLOY_DIR, 'docker-compose.yml');

  it('validates without a profile and with the proxy profile', () => {
    composeConfig(file);
    const withProxy = composeConfig(file, ['--profile', 'proxy']);
    expect(Object.keys(withProxy.services).sort()).toEqual([
      'dashport',
      'nginx',
      'postgres',
      'redis',
    ]);
    expect(service(withProxy, 'nginx').profiles).toEqual(['proxy']);
  });

  it('starts dashport after healthy PostgreSQL and Redis, nginx after a healthy dashport', () => {
    const config = composeConfig(file, ['--profile', 'proxy']);
    const dashport = service(config, 'dashport');
    expect(dashport.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    expect(service(config, 'nginx').depends_on).toEqual({
      dashport: { condition: 'service_healthy' },
    });
    for (const [name, svc] of Object.entries(config.services)) {
      expect(svc.healthcheck, `${name} has a healthcheck`).toBeDefined();
      expect(svc.restart, `${name} restart policy`).toBe('unless-stopped');
      expect(svc.deploy?.resources?.limits?.memory, `${name} memory limit`).toMatch(/^\d+[mg]$/);
      expect(svc.deploy?.resources?.limits?.cpus, `${name} cpu limit`).toBeDefined();
    }
    expect(dashport.healthcheck?.test).toEqual(['CMD', 'node', 'dist/src/main.js', 'healthcheck']);
    expect(dashport.build).toMatchObject({ dockerfile: 'deploy/Dockerfile', context: REPO_ROOT });
  });

  it('keeps the cache, the database and Redis on named volumes; the data dir read-only', () => {
    const config = composeConfig(file);
    expect(Object.keys(config.volumes ?? {}).sort()).toEqual([
      'dashport-cache',
      'postgres-data',
      'redis-data',
    ]);
    expect(service(config, 'dashport').volumes).toEqual([
      'dashport-cache:/app/data_cache:rw',
      `${path.join(REPO_ROOT, 'examples', 'data')}:/data:ro`,
      `${path.join(REPO_ROOT, 'deploy', 'auth')}:/app/auth:ro`,
    ]);
  });

  it("gives dashport an environment the server's own config parser accepts", () => {
    const environment = service(composeConfig(file), 'dashport').environment ?? {};
    const env = Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, v ?? '']));
    const config = buildConfig(env, { cwd: '/app', version: 'test' });
    expect(config.isProduction).toBe(true);
    expect(config.databaseUrl).toBe('postgres://dashport:dashport@postgres:5432/dashport');
    expect(config.redisUrl).toBe('redis://redis:6379/0');
    expect(config.cacheDir).toBe('/app/data_cache');
    expect(config.usingBundledExamples).toBe(true);
  });

  it('adapts the nginx site to the dashport service inside the compose network', () => {
    const nginx = service(composeConfig(file, ['--profile', 'proxy']), 'nginx');
    const script = Array.isArray(nginx.command) ? nginx.command.join(' ') : (nginx.command ?? '');
    const site = readFileSync(path.join(DEPLOY_DIR, 'nginx', 'dashport.conf'), 'utf8');
    // The sed expression must match the upstream line of the site file, or nginx would
    // proxy to its own loopback.
    const match = /s\/([^/]+)\/([^/]+)\//.exec(script);
    expect(match, script).not.toBeNull();
    expect(site).toContain(match?.[1] ?? '<none>');
    expect(match?.[2]).toBe('server dashport:8050');
  });

  it('fails the same check on a broken copy (the validator is real)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dashport-compose-'));
    tempDirs.push(dir);
    const broken = readFileSync(file, 'utf8').replace(
      'condition: service_healthy',
      'condition: healthy',
    );
    writeFileSync(path.join(dir, 'docker-compose.yml'), broken);
    const tool = requireTool('docker-compose', 'docker-compose');
    const result = runCommand(tool, ['-f', path.join(dir, 'docker-compose.yml'), 'config', '-q'], {
      env: cleanEnv(),
    });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('condition');
  });
});

describe('deploy/docker-compose.dev.yml (docker-compose config)', () => {
  const file = path.join(DEPLOY_DIR, 'docker-compose.dev.yml');

  it('runs `dashport dev` from the mounted source with live reload', () => {
    const config = composeConfig(file);
    const dev = service(config, 'dashport-dev');
    expect(dev.build).toMatchObject({ dockerfile: 'deploy/Dockerfile', target: 'deps' });
    expect(dev.command).toEqual([
      'npx',
      'tsx',
      'watch',
      '--clear-screen=false',
      'src/main.ts',
      'dev',
    ]);
    expect(dev.volumes).toEqual([
      `${REPO_ROOT}:/app:rw`,
      '/app/node_modules',
      'dev-cache:/app/data_cache:rw',
    ]);
    expect(dev.environment?.HOST).toBe('0.0.0.0');
  });

  it('names a build target that exists in deploy/Dockerfile', () => {
    const dockerfile = readFileSync(path.join(DEPLOY_DIR, 'Dockerfile'), 'utf8');
    const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((m) => m[1]);
    expect(stages).toContain('deps');
  });
});
