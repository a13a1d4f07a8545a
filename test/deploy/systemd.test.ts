import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, requireTool, runCommand } from './run-command.js';

const UNIT_PATH = path.join(REPO_ROOT, 'deploy', 'systemd', 'dashport.service');
const UNIT_NODE = '/usr/bin/node';

let workDir = '';
let systemdAnalyze = '';
let unitText = '';

beforeAll(() => {
  systemdAnalyze = requireTool('systemd-analyze', 'systemd');
  workDir = mkdtempSync(path.join(tmpdir(), 'dashport-systemd-'));
  unitText = readFileSync(UNIT_PATH, 'utf8');
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** Write a variant of the unit as dashport.service in its own folder; returns its path. */
function writeUnit(name: string, text: string): string {
  const dir = path.join(workDir, name);
  rmSync(dir, { recursive: true, force: true });
  const file = path.join(dir, 'dashport.service');
  mkdirSync(dir, { recursive: true });
  // verify checks that ExecStart's binary exists: where node lives elsewhere, point the
  // copy at this machine's node so that only the unit's own settings are judged.
  const runnable = existsSync(UNIT_NODE) ? text : text.replaceAll(UNIT_NODE, process.execPath);
  writeFileSync(file, runnable);
  return file;
}

/** systemd-analyze verify, where any warning ("Unknown key…, ignoring") is a failure too. */
function verify(file: string): { ok: boolean; output: string } {
  const result = runCommand(systemdAnalyze, ['verify', '--man=no', file], {
    cwd: path.dirname(file),
  });
  return { ok: result.status === 0 && result.output.trim() === '', output: result.output };
}

function directive(name: string): string[] {
  return [...unitText.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => (m[1] ?? '').trim());
}

describe('deploy/systemd/dashport.service', () => {
  it('passes systemd-analyze verify with no warning', () => {
    const result = verify(writeUnit('as-shipped', unitText));
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('fails the same check when a directive is misspelt or the program is missing', () => {
    const misspelt = verify(
      writeUnit('misspelt', unitText.replace('NoNewPrivileges=yes', 'NoNewPrivilege=yes')),
    );
    expect(misspelt.ok).toBe(false);
    expect(misspelt.output).toContain("Unknown key 'NoNewPrivilege'");
    const badValue = verify(
      writeUnit('bad-value', unitText.replace('ProtectSystem=strict', 'ProtectSystem=strickt')),
    );
    expect(badValue.ok).toBe(false);
    const missing = verify(
      writeUnit(
        'missing-program',
        unitText.replace(/^ExecStart=\S+/m, 'ExecStart=/nonexistent/node'),
      ),
    );
    expect(missing.ok).toBe(false);
    expect(missing.output).toContain('/nonexistent/node');
  });

  it('is hardened: systemd-analyze security rates its exposure at most 2.5 of 10', () => {
    const args = ['security', '--offline=true', '--threshold=25', '--no-pager'];
    const shipped = runCommand(systemdAnalyze, [...args, writeUnit('security', unitText)]);
    expect(shipped.status, shipped.output).toBe(0);
    const weakened = unitText.replace(
      /^(NoNewPrivileges|ProtectSystem|ProtectHome|PrivateDevices|CapabilityBoundingSet|SystemCallFilter|RestrictAddressFamilies|RestrictNamespaces)=.*$/gm,
      '',
    );
    const weak = runCommand(systemdAnalyze, [...args, writeUnit('weakened', weakened)]);
    expect(weak.status, 'the same threshold fails an unhardened unit').not.toBe(0);
  });

  it('runs `serve` as its own user, reloads with SIGHUP and stops with a drain', () => {
    expect(directive('ExecStart')).toEqual([`${UNIT_NODE} /opt/dashport/dist/src/main.js serve`]);
    expect(directive('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(directive('KillSignal')).toEqual(['SIGTERM']);
    expect(directive('KillMode')).toEqual(['mixed']);
    expect(directive('User')).toEqual(['dashport']);
    expect(directive('EnvironmentFile')).toEqual(['-/etc/dashport/dashport.env']);
    expect(directive('Restart')).toEqual(['on-failure']);
    // DASHPORT_SHUTDOWN_DELAY (0) + DASHPORT_GRACEFUL_TIMEOUT (30) must fit before SIGKILL.
    expect(Number(directive('TimeoutStopSec')[0])).toBeGreaterThan(30);
  });

  it('can write only the cache directory it points the server at', () => {
    expect(directive('ProtectSystem')).toEqual(['strict']);
    expect(directive('PrivateTmp')).toEqual(['yes']);
    expect(directive('ProtectHome')).toEqual(['yes']);
    expect(directive('NoNewPrivileges')).toEqual(['yes']);
    expect(directive('Environment')).toContain('DASHPORT_CACHE_DIR=/var/cache/dashport');
    expect(directive('ReadWritePaths')).toEqual(['/var/cache/dashport']);
    expect(directive('CacheDirectory')).toEqual(['dashport']);
    // V8 compiles code at run time: denying writable+executable memory would crash node.
    expect(directive('MemoryDenyWriteExecute')).toEqual(['no']);
  });
});
