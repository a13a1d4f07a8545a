import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, findTool, requireTool, runCommand } from './run-command.js';

const MANAGE = path.join(REPO_ROOT, 'deploy', 'manage.sh');
const ENSURE_DEPS = path.join(REPO_ROOT, 'scripts', 'ensure-test-deps.sh');

function shellScripts(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.sh'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('shell scripts (shellcheck)', () => {
  const scripts = [
    ...shellScripts(path.join(REPO_ROOT, 'deploy')),
    ...shellScripts(path.join(REPO_ROOT, 'scripts')),
  ];

  it('finds the scripts it checks', () => {
    expect(scripts).toContain(MANAGE);
    expect(scripts).toContain(ENSURE_DEPS);
  });

  it('passes shellcheck on every *.sh in deploy/ and scripts/', () => {
    const shellcheck = requireTool('shellcheck', 'shellcheck');
    const result = runCommand(shellcheck, ['--severity=style', '--external-sources', ...scripts]);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('fails shellcheck on a script with an unquoted expansion (the check is real)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dashport-shellcheck-'));
    tempDirs.push(dir);
    const file = path.join(dir, 'bad.sh');
    writeFileSync(file, '#!/usr/bin/env bash\nrm -rf $1/tmp\n');
    const result = runCommand(requireTool('shellcheck', 'shellcheck'), [file]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('SC2086');
  });
});

describe('deploy/manage.sh', () => {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() };

  it('lists every command in --help and exits 0', () => {
    const result = runCommand('bash', [MANAGE, '--help'], { env });
    expect(result.status).toBe(0);
    for (const command of [
      'build',
      'start',
      'stop',
      'restart',
      'logs',
      'status',
      'dev',
      'db-shell',
      'cleanup',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('answers a usage error with exit code 2 and the accepted values, without colour off a TTY', () => {
    const unknown = runCommand('bash', [MANAGE, 'deploy-everything'], { env });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(
      'unknown command "deploy-everything" (accepted: build, start, stop',
    );
    expect(unknown.output).not.toContain('\u001b[');
    const option = runCommand('bash', [MANAGE, '--force', 'start'], { env });
    expect(option.status).toBe(2);
    expect(option.stderr).toContain('unknown option --force');
    const none = runCommand('bash', [MANAGE], { env });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('no command given');
  });

  it('says clearly when no compose tool is installed', () => {
    // A PATH with nothing but what the script itself needs before it looks for compose.
    const bin = mkdtempSync(path.join(tmpdir(), 'dashport-path-'));
    tempDirs.push(bin);
    symlinkSync(requireTool('dirname', 'coreutils'), path.join(bin, 'dirname'));
    const result = runCommand('/bin/bash', [MANAGE, 'status'], {
      env: { PATH: bin, HOME: tmpdir() },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no compose tool found');
  });

  it('refuses a destructive cleanup without a TTY or --yes', () => {
    const compose = findTool('docker-compose');
    if (compose === undefined)
      throw new Error('docker-compose missing: run scripts/ensure-test-deps.sh');
    // A stand-in engine that answers, so that the script reaches the confirmation.
    const bin = mkdtempSync(path.join(tmpdir(), 'dashport-engine-'));
    tempDirs.push(bin);
    writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const result = runCommand('bash', [MANAGE, 'cleanup'], {
      env: { ...env, PATH: `${bin}:${env.PATH}`, COMPOSE: 'docker-compose' },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('needs confirmation: run with --yes');
  });
});

describe('scripts/ensure-test-deps.sh', () => {
  it('is idempotent and fast once every tool is present, also for a non-root user', () => {
    const first = runCommand('bash', [ENSURE_DEPS], { timeoutMs: 900_000 });
    expect(first.status, first.output).toBe(0);
    const started = performance.now();
    const again = runCommand('bash', [ENSURE_DEPS]);
    const elapsedMs = performance.now() - started;
    expect(again.status, again.output).toBe(0);
    expect(again.output).toBe('');
    expect(elapsedMs).toBeLessThan(2_000);
    if (process.getuid?.() === 0) {
      const setpriv = requireTool('setpriv', 'util-linux');
      const asNobody = runCommand(
        setpriv,
        ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'bash', ENSURE_DEPS],
        {
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DASHPORT_SKIP_CONTAINER_TEST: '1' },
        },
      );
      expect(asNobody.status, asNobody.output).toBe(0);
    }
  });
});
