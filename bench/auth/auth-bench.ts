/**
 * The auth benchmark (issue 10): a cached aggregate through `dashport serve` with auth off,
 * then with `DASHPORT_AUTH=basic` read by a session cookie and by an API key, in one run on
 * one machine, alternating rounds. The cost of access control is what a request pays for
 * resolving its identity and asking the policy; target ≤ 10 % of the throughput.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { formatKeys, generateKey, hashKey } from '../../src/auth/keys-file.js';
import { hashPassword } from '../../src/auth/password-verifier.js';
import { SESSION_COOKIE } from '../../src/auth/session-claims.js';
import { formatUsers } from '../../src/auth/users-file.js';
import { REPO_ROOT, median, spawnCli, waitForOk } from '../lib/process.js';

const OFF_PORT = 18_661;
const ON_PORT = 18_662;
const CONNECTIONS = 32;
const WARMUP_SECONDS = 2;
const ROUND_SECONDS = 4;
const ROUNDS = 5;
const TARGET_COST = 0.1;
const PATH = '/api/v1/datasets/notes/aggregate?x=tool&agg=count';

export interface AuthBenchResult {
  readonly markdown: string;
}

async function rps(url: string, headers: Record<string, string>, seconds: number) {
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: seconds });
  return { rps: result.requests.average, non2xx: result.non2xx, errors: result.errors };
}

export async function runAuthBench(): Promise<AuthBenchResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dashport-bench-auth-'));
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir);
  await copyFile(
    path.join(REPO_ROOT, 'examples', 'data', 'notes.csv'),
    path.join(dataDir, 'notes.csv'),
  );
  const key = generateKey();
  await writeFile(
    path.join(dir, 'users.txt'),
    formatUsers([{ name: 'bench', hash: await hashPassword('bench-password'), groups: [] }]),
  );
  await writeFile(
    path.join(dir, 'keys.txt'),
    formatKeys([
      { name: 'bench', hash: hashKey(key), scope: 'read', datasets: undefined, created: 'bench' },
    ]),
  );
  const common = {
    HOST: '127.0.0.1',
    DASHPORT_WORKERS: '1',
    DASHPORT_RATE_LIMIT: 'off',
  };
  // Separate cache dirs: two servers over one dir would share its build lock and watchers.
  const off = spawnCli(['serve', dataDir], {
    ...common,
    PORT: String(OFF_PORT),
    DASHPORT_CACHE_DIR: path.join(dir, 'cache-off'),
  });
  const on = spawnCli(['serve', dataDir], {
    ...common,
    PORT: String(ON_PORT),
    DASHPORT_CACHE_DIR: path.join(dir, 'cache-on'),
    DASHPORT_AUTH: 'basic',
    DASHPORT_SESSION_SECRET: 'b'.repeat(40),
    DASHPORT_USERS_FILE: path.join(dir, 'users.txt'),
    DASHPORT_KEYS_FILE: path.join(dir, 'keys.txt'),
  });
  const rounds = { off: [] as number[], cookie: [] as number[], key: [] as number[] };
  let failures = 0;
  try {
    await waitForOk(`http://127.0.0.1:${OFF_PORT}/readyz`, off.startedAt);
    await waitForOk(`http://127.0.0.1:${ON_PORT}/readyz`, on.startedAt);
    const login = await fetch(`http://127.0.0.1:${ON_PORT}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', password: 'bench-password' }),
    });
    const setCookie = login.headers.get('set-cookie') ?? '';
    const cookie = setCookie.split(';')[0] ?? '';
    if (!login.ok || !cookie.startsWith(`${SESSION_COOKIE}=`)) {
      throw new Error(`bench sign-in failed: ${login.status}`);
    }
    const variants = {
      off: { url: `http://127.0.0.1:${OFF_PORT}${PATH}`, headers: {} },
      cookie: { url: `http://127.0.0.1:${ON_PORT}${PATH}`, headers: { cookie } },
      key: {
        url: `http://127.0.0.1:${ON_PORT}${PATH}`,
        headers: { authorization: `Bearer ${key}` },
      },
    } as const;
    for (const variant of Object.values(variants))
      await rps(variant.url, variant.headers, WARMUP_SECONDS);
    const order = Object.keys(variants) as (keyof typeof variants)[];
    for (let round = 0; round < ROUNDS; round += 1) {
      // Each round starts with another variant, so a drifting machine load favours none.
      for (let i = 0; i < order.length; i += 1) {
        const name = order[(round + i) % order.length] ?? 'off';
        const variant = variants[name];
        const measured = await rps(variant.url, variant.headers, ROUND_SECONDS);
        failures += measured.non2xx + measured.errors;
        rounds[name].push(measured.rps);
      }
    }
  } finally {
    await Promise.all([off.stop(), on.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
  const offRps = median(rounds.off);
  const row = (label: string, values: number[]) => {
    const value = median(values);
    const cost = 1 - value / Math.max(1, offRps);
    return { label, value, cost };
  };
  const rows = [
    row('auth off', rounds.off),
    row('session cookie', rounds.cookie),
    row('API key (Bearer)', rounds.key),
  ];
  const markdown = `## Auth: cached aggregate with and without access control (issue 10)

autocannon with ${CONNECTIONS} connections, one worker each, \`GET ${PATH}\` (a cached aggregate) against \`dashport serve\` with \`DASHPORT_AUTH=none\` and with \`DASHPORT_AUTH=basic\`, the latter read with a session cookie and with an API key; ${WARMUP_SECONDS} s warm-up each, then ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s; medians. Non-2xx or errors: ${failures}.

| | req/s | cost vs auth off | ≤ ${TARGET_COST * 100} % |
| --- | ---: | ---: | :---: |
${rows.map((r) => `| ${r.label} | ${Math.round(r.value).toLocaleString('en-US')} | ${r.label === 'auth off' ? '—' : `${(r.cost * 100).toFixed(1)} %`} | ${r.label === 'auth off' ? '' : r.cost <= TARGET_COST ? 'yes' : '**no**'} |`).join('\n')}
`;
  return { markdown };
}

// `tsx bench/auth/auth-bench.ts` runs this section alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runAuthBench();
  process.stdout.write(result.markdown);
}
