import {
  chmodSync,
  chownSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { execForm, healthcheck, lastInstruction, readDockerfile, stageEnv } from './dockerfile.js';
import { REPO_ROOT, requireTool, runCommand } from './run-command.js';
import {
  MAIN_JS,
  type ServerProcess,
  freePort,
  isServing,
  request,
  requireBuild,
  startServer,
  waitFor,
} from './server-process.js';

// The server is started exactly as the image's CMD runs it: same command, same working
// directory layout (the package root), the image's ENV, as an unprivileged user, with a
// read-only data dir and a writable cache dir.
const runtime = readDockerfile().at(-1);
if (runtime === undefined) throw new Error('deploy/Dockerfile has no stage');
const CMD = execForm(lastInstruction(runtime, 'CMD'));
const HEALTH = healthcheck(runtime);
const IMAGE_ENV = stageEnv(runtime);

const NOBODY_UID = 65_534;
// Building the cache at first start takes most of it; nginx and the checks the rest.
const SETUP_TIMEOUT_MS = 180_000;
const NOBODY_GID = 65_534;

function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) =>
    path.join(e.parentPath, e.name),
  );
}

interface HttpProbe {
  httpGet?: { path: string };
}

/** The HTTP paths of the Kubernetes Deployment's probes, read from the base manifest. */
function probePaths(): Record<string, string | undefined> {
  const deployment = parse(
    readFileSync(path.join(REPO_ROOT, 'deploy', 'k8s', 'base', 'deployment.yaml'), 'utf8'),
  ) as {
    spec: {
      template: {
        spec: {
          containers: {
            startupProbe?: HttpProbe;
            livenessProbe?: HttpProbe;
            readinessProbe?: HttpProbe;
          }[];
        };
      };
    };
  };
  const container = deployment.spec.template.spec.containers[0];
  return {
    startup: container?.startupProbe?.httpGet?.path,
    liveness: container?.livenessProbe?.httpGet?.path,
    readiness: container?.readinessProbe?.httpGet?.path,
  };
}

describe('production start as the image runs it (non-root, read-only data)', () => {
  let work = '';
  let dataDir = '';
  let cacheDir = '';
  let server: ServerProcess | undefined;
  let port = 0;
  let healthyAfterMs = 0;

  beforeAll(async () => {
    requireBuild();
    expect(CMD).toEqual(['node', 'dist/src/main.js', 'serve']);
    if (process.getuid?.() !== 0)
      throw new Error('this test switches to user nobody and must run as root');
    const setpriv = requireTool('setpriv', 'util-linux');
    work = mkdtempSync(path.join(tmpdir(), 'dashport-prod-'));
    chmodSync(work, 0o755);
    dataDir = path.join(work, 'data');
    cacheDir = path.join(work, 'cache');
    cpSync(path.join(REPO_ROOT, 'examples', 'data'), dataDir, { recursive: true });
    for (const entry of [dataDir, ...walk(dataDir)]) {
      chmodSync(entry, statSync(entry).isDirectory() ? 0o555 : 0o444);
    }
    mkdirSync(cacheDir);
    chownSync(cacheDir, NOBODY_UID, NOBODY_GID);
    chmodSync(cacheDir, 0o755);

    const asNobody = [setpriv, `--reuid=${NOBODY_UID}`, `--regid=${NOBODY_GID}`, '--clear-groups'];
    const readable = runCommand(asNobody[0] ?? setpriv, [
      ...asNobody.slice(1),
      process.execPath,
      '-e',
      `require('fs').accessSync(${JSON.stringify(MAIN_JS)})`,
    ]);
    expect(readable.status, `user nobody must be able to read ${MAIN_JS}: ${readable.output}`).toBe(
      0,
    );

    port = await freePort();
    const started = performance.now();
    server = startServer({
      port,
      prefix: asNobody,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: work,
        ...IMAGE_ENV,
        // Only the addresses differ from the image: a free loopback port, temp folders.
        HOST: '127.0.0.1',
        PORT: String(port),
        DASHPORT_CACHE_DIR: cacheDir,
        DASHPORT_DATA_DIR: dataDir,
      },
    });
    await waitFor(`http://127.0.0.1:${port}/health/quick`, isServing, {
      timeoutMs: HEALTH.startPeriodS * 1000,
      server,
      intervalMs: 500,
    });
    healthyAfterMs = performance.now() - started;
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await server?.stop('SIGKILL', 1_000);
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it(`is healthy within the HEALTHCHECK start period, running as nobody`, () => {
    expect(healthyAfterMs).toBeLessThan(HEALTH.startPeriodS * 1000);
    const pid = server?.child.pid ?? 0;
    const uidLine = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)?.[1];
    expect(uidLine).toBe(String(NOBODY_UID));
    expect(server?.output()).not.toMatch(/EACCES|EROFS|permission denied/i);
  });

  it('answers the paths the Kubernetes probes use', async () => {
    const probes = probePaths();
    expect(probes).toEqual({ startup: '/health', liveness: '/livez', readiness: '/readyz' });
    for (const probePath of Object.values(probes)) {
      if (probePath === undefined) throw new Error('a probe has no path');
      const response = await waitFor(
        `http://127.0.0.1:${port}${probePath}`,
        (r) => r.status === 200,
        {
          timeoutMs: 30_000,
          ...(server === undefined ? {} : { server }),
        },
      );
      expect(response.status, probePath).toBe(200);
    }
  });

  it('built the cache in the writable dir and wrote nothing into the read-only data dir', () => {
    expect(walk(cacheDir).length).toBeGreaterThan(0);
    const dataFiles = walk(dataDir)
      .map((f) => path.relative(dataDir, f))
      .sort();
    const shipped = walk(path.join(REPO_ROOT, 'examples', 'data'))
      .map((f) => path.relative(path.join(REPO_ROOT, 'examples', 'data'), f))
      .sort();
    expect(dataFiles).toEqual(shipped);
  });

  it('warns at start and in /health that every dataset is public while DASHPORT_AUTH is none', async () => {
    expect(server?.output()).toContain('every dataset and dashboard is public');
    const health = await request(`http://127.0.0.1:${port}/health`);
    const body = JSON.parse(health.body.toString()) as {
      checks: { security: { auth_mode?: string; all_data_public?: boolean; warning?: string } };
    };
    expect(body.checks.security).toMatchObject({ auth_mode: 'none', all_data_public: true });
    expect(body.checks.security.warning).toContain('every dataset and dashboard is public');
  });

  it('`dashport healthcheck` exits 0 against it and 1 against a closed port', async () => {
    const healthy = runCommand(
      process.execPath,
      [MAIN_JS, 'healthcheck', '--url', `http://127.0.0.1:${port}`],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      },
    );
    expect(healthy.status, healthy.output).toBe(0);
    const closed = await freePort();
    const unhealthy = runCommand(
      process.execPath,
      [MAIN_JS, 'healthcheck', '--url', `http://127.0.0.1:${closed}`, '--retries', '2'],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
    );
    expect(unhealthy.status, unhealthy.output).toBe(1);
    expect(unhealthy.stderr).toContain(`127.0.0.1:${closed}`);
  });

  it('drains on SIGTERM and exits 0 within DASHPORT_GRACEFUL_TIMEOUT', async () => {
    const before = await request(`http://127.0.0.1:${port}/livez`);
    expect(before.status).toBe(200);
    const gracefulS = Number(IMAGE_ENV.DASHPORT_GRACEFUL_TIMEOUT ?? 30);
    const result = await server?.stop('SIGTERM', (gracefulS + 10) * 1000);
    expect(result?.signal).toBeNull();
    expect(result?.code, server?.output().slice(-2000)).toBe(0);
    expect(result?.ms).toBeLessThan(gracefulS * 1000);
  });
});
