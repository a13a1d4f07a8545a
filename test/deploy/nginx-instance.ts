/**
 * A throw-away nginx that serves deploy/nginx/dashport.conf unchanged but for its two
 * addresses: listening on a loopback port and proxying to a given Dashport port. All its
 * files (pid, logs, temp) live in one temp folder, so it needs no system paths.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, requireTool, runCommand } from './run-command.js';

/** The shipped site file. */
export const SITE_PATH = path.join(REPO_ROOT, 'deploy', 'nginx', 'dashport.conf');

const LISTEN_LINE = 'listen 80;';
const UPSTREAM_LINE = 'server 127.0.0.1:8050 ';

/** The site with its listen address and upstream replaced; throws when either line moved. */
export function adaptSite(site: string, listenPort: number, upstreamPort: number): string {
  for (const line of [LISTEN_LINE, UPSTREAM_LINE]) {
    if (site.split(line).length !== 2)
      throw new Error(`expected exactly one "${line}" in ${SITE_PATH}`);
  }
  return site
    .replace(LISTEN_LINE, `listen 127.0.0.1:${listenPort};`)
    .replace(UPSTREAM_LINE, `server 127.0.0.1:${upstreamPort} `);
}

/**
 * The site in front of several replicas: the upstream's one server line repeated for each
 * port, its parameters (max_fails, fail_timeout) kept, as an operator scaling out would.
 */
export function adaptSiteToReplicas(
  site: string,
  listenPort: number,
  upstreamPorts: readonly number[],
): string {
  const [first, ...others] = upstreamPorts;
  if (first === undefined) throw new Error('at least one upstream port');
  const lines = adaptSite(site, listenPort, first).split('\n');
  const index = lines.findIndex((line) => line.includes(`server 127.0.0.1:${first} `));
  const line = lines[index] ?? '';
  const copies = others.map((port) => line.replace(`127.0.0.1:${first} `, `127.0.0.1:${port} `));
  lines.splice(index + 1, 0, ...copies);
  return lines.join('\n');
}

/** A folder with nginx.conf that includes `site.conf` inside `http {}`. */
export interface NginxPrefix {
  readonly dir: string;
  readonly confPath: string;
  readonly accessLogPath: string;
  readonly errorLogPath: string;
  remove(): void;
}

/** Write nginx.conf + site.conf (the given site text) into a fresh temp folder. */
export function createNginxPrefix(siteText: string): NginxPrefix {
  const dir = mkdtempSync(path.join(tmpdir(), 'dashport-nginx-'));
  // Run as root, nginx's workers switch to `nobody`: they must reach the temp paths.
  chmodSync(dir, 0o755);
  const confPath = path.join(dir, 'nginx.conf');
  const accessLogPath = path.join(dir, 'access.log');
  const errorLogPath = path.join(dir, 'error.log');
  writeFileSync(path.join(dir, 'site.conf'), siteText);
  writeFileSync(
    confPath,
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${path.join(dir, 'nginx.pid')};`,
      `error_log ${errorLogPath} info;`,
      'events { worker_connections 256; }',
      'http {',
      `  access_log ${accessLogPath};`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `  ${kind}_temp_path ${path.join(dir, `${kind}_temp`)};`,
      ),
      `  include ${path.join(dir, 'site.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  return {
    dir,
    confPath,
    accessLogPath,
    errorLogPath,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `nginx -t` on a prefix: exit status and output. */
export function testNginxConfig(prefix: NginxPrefix): { ok: boolean; output: string } {
  const nginx = requireTool('nginx', 'nginx-light');
  const result = runCommand(nginx, [
    '-t',
    '-e',
    prefix.errorLogPath,
    '-p',
    prefix.dir,
    '-c',
    prefix.confPath,
  ]);
  return { ok: result.status === 0, output: result.output };
}

/** A running nginx in the foreground; stop() ends it and waits. */
export interface NginxProcess {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Start nginx in the foreground on a prefix; the caller waits until it answers. */
export function startNginx(prefix: NginxPrefix): NginxProcess {
  const nginx = requireTool('nginx', 'nginx-light');
  const child = spawn(nginx, ['-e', prefix.errorLogPath, '-p', prefix.dir, '-c', prefix.confPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return {
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGQUIT');
      await exited;
    },
  };
}

/** The shipped site text. */
export function readSite(): string {
  return readFileSync(SITE_PATH, 'utf8');
}
