import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DOCKERFILE_PATH } from './dockerfile.js';
import { REPO_ROOT, runCommand } from './run-command.js';
import { freePort, isServing, waitFor } from './server-process.js';

// Builds deploy/Dockerfile and runs the image for real with rootful podman and a local
// node:20-slim stand-in (no Docker engine and no registry here; ../shared/CONTAINERS.md).
// Needs root; DASHPORT_SKIP_CONTAINER_TEST=1 turns it off on machines that cannot.
const SMOKE_SCRIPT = path.resolve(REPO_ROOT, '../shared/containers/container-smoke.sh');
const LAB_STATE =
  process.env.LAB_STATE ?? path.join(process.env.TMPDIR ?? tmpdir(), 'dashport-containers');
const IMAGE = 'localhost/dashport:deploy-test';
const CONTAINER = 'dashport-deploy-test';
const HARDENED = 'dashport-deploy-test-hardened';
const FIRST_BUILD_MS = 20 * 60_000;
const STOP_TIMEOUT_S = 45;

function skipReason(): string | undefined {
  if ((process.env.DASHPORT_SKIP_CONTAINER_TEST ?? '') !== '')
    return 'DASHPORT_SKIP_CONTAINER_TEST is set';
  if (process.getuid?.() !== 0) return 'not root (rootful podman needed)';
  return undefined;
}
const SKIP = skipReason();

/** podman with the private configuration container-smoke.sh writes. */
function podman(args: readonly string[], timeoutMs = 120_000): ReturnType<typeof runCommand> {
  return runCommand('podman', args, {
    timeoutMs,
    env: {
      ...process.env,
      CONTAINERS_CONF: path.join(LAB_STATE, 'containers.conf'),
      CONTAINERS_STORAGE_CONF: path.join(LAB_STATE, 'storage.conf'),
      TMPDIR: path.join(LAB_STATE, 'tmp'),
    },
  });
}

/** The lines of a long build log that say what failed (errors first, then the end). */
function failureLines(output: string): string {
  const lines = output.split('\n');
  const errors = lines.filter((line) => /\b(error|FAIL)\b/i.test(line)).slice(0, 15);
  return [...errors, '…', ...lines.slice(-15)].join('\n');
}

/** SIGTERM through `podman stop`; returns the container's exit code and how long it took. */
function stopContainer(name: string): { exitCode: string; ms: number; logs: string } {
  const started = performance.now();
  const stop = podman(['stop', '-t', String(STOP_TIMEOUT_S), name], (STOP_TIMEOUT_S + 30) * 1000);
  const ms = performance.now() - started;
  if (stop.status !== 0) throw new Error(`podman stop ${name} failed: ${stop.output}`);
  return {
    exitCode: podman(['inspect', '-f', '{{.State.ExitCode}}', name]).stdout.trim(),
    ms,
    logs: podman(['logs', '--tail', '40', name]).output,
  };
}

describe.skipIf(SKIP !== undefined)(
  `container image (deploy/Dockerfile)${SKIP === undefined ? '' : ` — skipped: ${SKIP}`}`,
  () => {
    const tempDirs: string[] = [];
    let imageBuilt = false;
    afterAll(() => {
      if (existsSync(path.join(LAB_STATE, 'containers.conf')))
        podman(['rm', '--force', '--ignore', '-t', '5', CONTAINER, HARDENED]);
      for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    });

    it(
      'builds, runs as non-root, becomes healthy, and exits 0 on SIGTERM',
      async () => {
        if (!existsSync(SMOKE_SCRIPT)) {
          throw new Error(
            `${SMOKE_SCRIPT} is missing: the container test needs shared/ beside the repository (../shared/containers/), or set DASHPORT_SKIP_CONTAINER_TEST=1`,
          );
        }
        // Output to a file, not a pipe: the script leaves the container running, and its
        // monitor process would hold a pipe open, so that a pipe reader never sees the end.
        mkdirSync(LAB_STATE, { recursive: true });
        const logPath = path.join(LAB_STATE, 'deploy-test-smoke.log');
        const logFd = openSync(logPath, 'w');
        const run = spawnSync('bash', [SMOKE_SCRIPT, REPO_ROOT], {
          stdio: ['ignore', logFd, logFd],
          timeout: FIRST_BUILD_MS,
          env: {
            ...process.env,
            LAB_STATE,
            DOCKERFILE: DOCKERFILE_PATH,
            IMAGE,
            CTR: CONTAINER,
            CONTAINER_PORT: '8050',
            HOST_PORT: String(await freePort()),
            HEALTH_PATH: '/health/quick',
            KEEP_RUNNING: '1',
          },
        });
        closeSync(logFd);
        const smoke = { status: run.status, output: readFileSync(logPath, 'utf8') };
        expect(smoke.status, `${failureLines(smoke.output)}\n(full log: ${logPath})`).toBe(0);
        expect(smoke.output).toMatch(/HEALTHCHECK status: healthy/);
        expect(smoke.output).toMatch(/process uid in container: 1000 \(node\)/);

        imageBuilt = true;
        const size = Number(
          podman(['image', 'inspect', '--format', '{{.Size}}', IMAGE]).stdout.trim(),
        );
        console.log(`dashport image ${IMAGE}: ${(size / 1024 / 1024).toFixed(0)} MiB`);
        expect(size).toBeGreaterThan(0);

        const stopped = stopContainer(CONTAINER);
        expect(stopped.exitCode, stopped.logs).toBe('0');
        expect(stopped.ms, 'drained before podman had to SIGKILL').toBeLessThan(
          STOP_TIMEOUT_S * 1000,
        );
      },
      FIRST_BUILD_MS + 120_000,
    );

    it('serves a read-only data mount with a read-only root filesystem and no capabilities', async () => {
      if (!imageBuilt)
        throw new Error('the image was not built by the test above: see its failure');
      const data = mkdtempSync(path.join(tmpdir(), 'dashport-image-data-'));
      tempDirs.push(data);
      cpSync(path.join(REPO_ROOT, 'examples', 'data'), data, { recursive: true });
      chmodSync(data, 0o555);
      const hostPort = await freePort();
      // The Kubernetes security context, in podman's words.
      const run = podman([
        ...['run', '-d', '--pull=never', '--name', HARDENED],
        ...['--read-only', '--tmpfs', '/tmp', '--cap-drop=ALL', '--security-opt=no-new-privileges'],
        ...['-v', `${data}:/data:ro`, '-e', 'DASHPORT_DATA_DIR=/data'],
        ...['-p', `127.0.0.1:${hostPort}:8050`, IMAGE],
      ]);
      expect(run.status, run.output).toBe(0);
      try {
        await waitFor(`http://127.0.0.1:${hostPort}/health/quick`, isServing, {
          timeoutMs: 120_000,
          intervalMs: 500,
        });
        await waitFor(`http://127.0.0.1:${hostPort}/readyz`, (r) => r.status === 200, {
          timeoutMs: 60_000,
        });
      } catch (error) {
        const logs = podman(['logs', '--tail', '60', HARDENED]).output;
        throw new Error(`${(error as Error).message}\n${logs}`, { cause: error });
      }
      const stopped = stopContainer(HARDENED);
      expect(stopped.exitCode, stopped.logs).toBe('0');
    }, 240_000);
  },
);
