/**
 * Scale-out on one shared cache dir, as deploy/k8s/overlays/production runs it but with
 * processes instead of pods: `cache status --wait` (the serving pods' init container) started
 * before `cache build` (the Job) waits for it; then three `dashport serve` replicas on that
 * cache dir, behind the shipped nginx site with three upstream servers, verify the cache
 * without rebuilding anything (manifests and file mtimes unchanged, every dataset "fresh" in
 * their logs) and answer the same data.
 */
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type NginxPrefix,
  type NginxProcess,
  adaptSiteToReplicas,
  createNginxPrefix,
  readSite,
  startNginx,
} from './nginx-instance.js';
import { REPO_ROOT } from './run-command.js';
import {
  type ServerProcess,
  freePort,
  request,
  requireBuild,
  startServer,
  waitFor,
} from './server-process.js';

const DATASETS = ['seattle-weather', 'notes'];
const REPLICAS = 3;
const SETUP_TIMEOUT_MS = 240_000;
/** `cache status --wait` looks every 2 s (CACHE_WAIT_POLL_MS). */
const WAIT_POLL_MARGIN_MS = 2_500;

/** Every file under the cache's datasets folder with its mtime. */
async function cacheFiles(cacheDir: string): Promise<Record<string, number>> {
  const root = path.join(cacheDir, 'datasets');
  const files: Record<string, number> = {};
  for (const id of await readdir(root)) {
    for (const name of await readdir(path.join(root, id))) {
      files[`${id}/${name}`] = (await stat(path.join(root, id, name))).mtimeMs;
    }
  }
  return files;
}

async function builtAt(cacheDir: string): Promise<Record<string, string>> {
  const entries = await Promise.all(
    DATASETS.map(async (id) => {
      const text = await readFile(path.join(cacheDir, 'datasets', id, 'manifest.json'), 'utf8');
      return [id, (JSON.parse(text) as { builtAt: string }).builtAt] as const;
    }),
  );
  return Object.fromEntries(entries);
}

function exited(process: ServerProcess): Promise<{ code: number | null; at: number }> {
  const { child } = process;
  if (child.exitCode !== null)
    return Promise.resolve({ code: child.exitCode, at: performance.now() });
  return new Promise((resolve) =>
    child.once('exit', (code) => resolve({ code, at: performance.now() })),
  );
}

/** The JSON log lines a process printed. */
function logLines(process: ServerProcess): { msg?: string; url?: string }[] {
  return process
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; url?: string });
}

describe('three replicas on one cache dir built by a separate `cache build`', () => {
  let work = '';
  let env: NodeJS.ProcessEnv = {};
  let cacheDir = '';
  const replicas: ServerProcess[] = [];
  let prefix: NginxPrefix | undefined;
  let nginx: NginxProcess | undefined;
  let proxyUrl = '';
  let waitOutcome: { code: number | null; at: number };
  let buildOutcome: { code: number | null; at: number };
  let afterBuild: { files: Record<string, number>; builtAt: Record<string, string> };

  beforeAll(async () => {
    requireBuild();
    work = await mkdtemp(path.join(tmpdir(), 'dashport-shared-cache-'));
    const dataDir = path.join(work, 'data');
    cacheDir = path.join(work, 'cache');
    await mkdir(dataDir);
    for (const id of DATASETS)
      await cp(
        path.join(REPO_ROOT, 'examples', 'data', `${id}.csv`),
        path.join(dataDir, `${id}.csv`),
      );
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: work,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      DASHPORT_DATA_DIR: dataDir,
      DASHPORT_CACHE_DIR: cacheDir,
      DASHPORT_WORKERS: '1',
      DASHPORT_RATE_LIMIT: 'off',
      DASHPORT_TRUST_PROXY: 'loopback',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
    };

    // The init container first: nothing is built and nobody builds, so it must wait.
    const wait = startServer({ port: 0, env, args: ['cache', 'status', '--wait', '180'] });
    const waited = exited(wait);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(wait.child.exitCode, wait.output()).toBeNull();
    // Then the Job.
    const build = startServer({ port: 0, env, args: ['cache', 'build'] });
    buildOutcome = await exited(build);
    expect(buildOutcome.code, build.output()).toBe(0);
    waitOutcome = await waited;
    expect(waitOutcome.code, wait.output()).toBe(0);
    afterBuild = { files: await cacheFiles(cacheDir), builtAt: await builtAt(cacheDir) };

    for (let i = 0; i < REPLICAS; i++) {
      const port = await freePort();
      replicas.push(startServer({ port, env: { ...env, PORT: String(port) } }));
    }
    for (const replica of replicas) {
      await waitFor(`http://127.0.0.1:${replica.port}/readyz`, (r) => r.status === 200, {
        timeoutMs: 120_000,
        server: replica,
      });
    }
    // Ready replicas serve the entries on disk; their supervisors verify them alongside.
    for (const replica of replicas) {
      const deadline = performance.now() + 60_000;
      const verified = () =>
        DATASETS.every((id) =>
          logLines(replica).some((line) => line.msg?.startsWith(`dataset ${id} is fresh`)),
        );
      while (!verified() && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }

    const proxyPort = await freePort();
    prefix = createNginxPrefix(
      adaptSiteToReplicas(
        readSite(),
        proxyPort,
        replicas.map((replica) => replica.port),
      ),
    );
    nginx = startNginx(prefix);
    proxyUrl = `http://127.0.0.1:${proxyPort}`;
    await waitFor(`${proxyUrl}/livez`, (r) => r.status === 200, { timeoutMs: 10_000 });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all(replicas.map((replica) => replica.stop('SIGTERM', 30_000)));
    prefix?.remove();
    if (work !== '') await rm(work, { recursive: true, force: true });
  });

  it('`cache status --wait` ends only once the separate build has committed every dataset', () => {
    expect(waitOutcome.at).toBeGreaterThanOrEqual(buildOutcome.at - 500);
    expect(waitOutcome.at).toBeLessThan(buildOutcome.at + WAIT_POLL_MARGIN_MS);
    expect(Object.keys(afterBuild.builtAt).sort()).toEqual([...DATASETS].sort());
  });

  it('the replicas rebuild nothing: same manifests, same file mtimes, "fresh" in their logs', async () => {
    expect(await builtAt(cacheDir)).toEqual(afterBuild.builtAt);
    expect(await cacheFiles(cacheDir)).toEqual(afterBuild.files);
    for (const replica of replicas) {
      const messages = logLines(replica).map((line) => line.msg ?? '');
      for (const id of DATASETS) {
        expect(messages, replica.output()).toContainEqual(
          expect.stringMatching(`^dataset ${id} is fresh`),
        );
        expect(messages.filter((msg) => msg.startsWith(`dataset ${id} built`))).toEqual([]);
      }
    }
    const status = startServer({ port: 0, env, args: ['cache', 'status', '--json'] });
    expect((await exited(status)).code, status.output()).toBe(0);
    const entries = JSON.parse(status.output()) as { id: string; state: string }[];
    expect(entries.map((entry) => [entry.id, entry.state]).sort()).toEqual(
      DATASETS.map((id) => [id, 'fresh']).sort(),
    );
  });

  it('every replica answers the same data, and nginx spreads requests over all three', async () => {
    const query = '/api/v1/datasets/seattle-weather/rows?order=date.desc&limit=5';
    const aggregate = '/api/v1/datasets/seattle-weather/aggregate?x=weather&agg=count';
    for (const url of [query, aggregate]) {
      const bodies = await Promise.all(
        replicas.map(async (replica) => {
          const response = await request(`http://127.0.0.1:${replica.port}${url}`);
          expect(response.status, response.body.toString('utf8')).toBe(200);
          const body = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
          delete body.meta;
          return body;
        }),
      );
      expect(bodies[1]).toEqual(bodies[0]);
      expect(bodies[2]).toEqual(bodies[0]);
    }
    for (let offset = 0; offset < 3 * REPLICAS; offset++) {
      const response = await request(`${proxyUrl}${query}&offset=${offset}`);
      expect(response.status).toBe(200);
    }
    for (const replica of replicas) {
      const proxied = logLines(replica).filter((line) => line.url?.includes('&offset=') === true);
      expect(proxied.length, `replica on ${replica.port}`).toBeGreaterThan(0);
    }
  });
});
