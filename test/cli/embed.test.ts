/**
 * `dashport embed` as a user runs it: the built CLI over a dashboards dir, its URL read back with
 * the server's own verifier, and every refusal with exit 2 and a message naming the problem.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBED_TOKEN_PARAM, verifyEmbed } from '../../src/auth/session-claims.js';
import { createTokenSigner } from '../../src/auth/signed-token.js';
import { runCli } from '../helpers/cli.js';
import { type TempDir, createTempDir } from '../helpers/temp-dir.js';

const SECRET = 'embed-cli-test-secret-0123456789abcdef';
const TOOLS_YAML = [
  'title: Tools',
  'dataset: trends',
  'filters:',
  '  - column: tool',
  '  - column: source',
  '    multiple: true',
  'panels:',
  '  - id: total',
  '    type: number',
  '',
].join('\n');

let tmp: TempDir;
let env: Record<string, string>;

beforeAll(async () => {
  tmp = await createTempDir('embed-cli');
  await mkdir(tmp.join('data', 'dashboards'), { recursive: true });
  await writeFile(tmp.join('data', 'dashboards', 'tools.yaml'), TOOLS_YAML);
  await writeFile(tmp.join('data', 'dashboards', 'broken.yaml'), 'title: [\n');
  env = {
    DASHPORT_DATA_DIR: tmp.join('data'),
    DASHPORT_SESSION_SECRET: SECRET,
    DASHPORT_PUBLIC_URL: 'https://dash.example.com/analytics/',
    DASHPORT_EMBED_ORIGINS: 'https://intranet.example.com',
  };
});

afterAll(async () => {
  await tmp?.remove();
});

describe('dashport embed', () => {
  it('prints a URL whose token locks the dashboard and the filters', async () => {
    const started = Date.now();
    const result = await runCli(
      ['embed', 'tools', '--filter', 'tool=Benchmarking', '--filter', 'source=in.(a,b)'],
      { cwd: tmp.path, env },
    );
    expect(result.stderr).toMatch(
      /^dashport embed: expires 20\d\d-.*locked filters: tool=Benchmarking, source=in\.\(a,b\)\n$/,
    );
    expect(result.code).toBe(0);
    const url = new URL(result.stdout.trim());
    expect(`${url.origin}${url.pathname}`).toBe('https://dash.example.com/analytics/embed/tools');
    const token = url.searchParams.get(EMBED_TOKEN_PARAM) ?? '';
    const identity = await verifyEmbed(createTokenSigner(SECRET), token);
    expect(identity).toEqual({
      kind: 'embed',
      dashboard: 'tools',
      filters: { tool: 'Benchmarking', source: 'in.(a,b)' },
      expiresAt: expect.any(Number),
    });
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
    };
    // --expires defaults to 7 days.
    expect(claims.exp * 1000 - started).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(claims.exp * 1000 - started).toBeLessThan(7 * 86_400_000 + 60_000);
    // Another secret does not accept it.
    expect(await verifyEmbed(createTokenSigner('x'.repeat(40)), token)).toBeUndefined();
  });

  it('takes --expires and says when nothing may frame it', async () => {
    const result = await runCli(['embed', 'tools', '--expires', '2h'], {
      cwd: tmp.path,
      env: { ...env, DASHPORT_EMBED_ORIGINS: '', DASHPORT_PUBLIC_URL: '' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^http:\/\/localhost:8050\/embed\/tools\?embed_token=[\w.-]+\n$/);
    expect(result.stderr).toContain('no locked filters');
    expect(result.stderr).toContain('DASHPORT_PUBLIC_URL is not set');
    expect(result.stderr).toContain('DASHPORT_EMBED_ORIGINS is empty');
    const token = new URL(result.stdout.trim()).searchParams.get(EMBED_TOKEN_PARAM) ?? '';
    const { exp, iat } = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString(),
    ) as { exp: number; iat: number };
    expect(exp - iat).toBe(7200);
  });

  it.each([
    [
      ['embed', 'tools', '--filter', 'colour=red'],
      '--filter colour: dashboard "tools" has no filter "colour"; its filters are: tool, source',
    ],
    [['embed', 'tools', '--filter', 'tool'], '--filter must be COLUMN=VALUE'],
    [['embed', 'tools', '--expires', '400d'], '--expires must be'],
    [['embed', 'nope'], 'DASHBOARD must be the id of a dashboard in'],
    [['embed', 'broken'], 'DASHBOARD "broken" (broken.yaml) is invalid'],
  ])('%j exits 2: %s', async (args, message) => {
    const result = await runCli(args, { cwd: tmp.path, env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });

  it('needs DASHPORT_SESSION_SECRET and never prints it', async () => {
    const missing = await runCli(['embed', 'tools'], {
      cwd: tmp.path,
      env: { ...env, DASHPORT_SESSION_SECRET: '' },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'DASHPORT_SESSION_SECRET must be set to at least 32 characters',
    );
    const short = await runCli(['embed', 'tools'], {
      cwd: tmp.path,
      env: { ...env, DASHPORT_SESSION_SECRET: 'short-secret' },
    });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('got 12 characters');
    expect(short.stderr).not.toContain('short-secret');
  });
});
