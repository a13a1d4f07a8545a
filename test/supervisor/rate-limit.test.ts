/**
 * The rate limit is per client IP for the whole server, not per worker: `dashport serve` with
 * two workers and a new connection per request admits exactly the limit, without Redis (the
 * supervisor keeps the counters) and with it (Redis does). Each request comes from its own
 * connection so the cluster spreads them over both workers.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { TEST_REDIS_URL, requireRedis } from '../resilience/private-redis.js';
import { type RunningCluster, startCluster } from './cluster-harness.js';

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One GET on a connection of its own (no keep-alive agent). */
function getOnce(url: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    request.on('error', reject);
  });
}

/** A client address of its own, so runs (and other suites on the same Redis) never share a key. */
function clientIp(): string {
  const bytes = randomBytes(2);
  return `198.18.${bytes[0] ?? 0}.${bytes[1] ?? 1}`;
}

async function thirtyRequests(running: RunningCluster): Promise<Answer[]> {
  const headers = { 'x-forwarded-for': clientIp() };
  const answers: Answer[] = [];
  for (let i = 0; i < 30; i += 1) {
    answers.push(await getOnce(`${running.url}/api/v1/datasets`, headers));
  }
  return answers;
}

function expectExactlyTwenty(answers: readonly Answer[]): void {
  const statuses = answers.map((a) => a.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(20);
  expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  const limited = answers.find((a) => a.status === 429);
  expect(Number(limited?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Number(limited?.headers['retry-after'])).toBeLessThanOrEqual(60);
  expect(limited?.headers['ratelimit-limit']).toBe('20');
  expect(limited?.headers['ratelimit-remaining']).toBe('0');
  expect(JSON.parse(limited?.body ?? '{}')).toMatchObject({
    statusCode: 429,
    error: 'Too Many Requests',
    message: expect.stringContaining('20/minute'),
  });
  const first = answers[0];
  expect(first?.headers['ratelimit-limit']).toBe('20');
  expect(first?.headers['ratelimit-remaining']).toBe('19');
}

describe('dashport serve: one rate limit for the whole server', () => {
  let cluster: RunningCluster | undefined;

  afterEach(async () => {
    await cluster?.cleanup();
    cluster = undefined;
  });

  it('admits exactly 20 of 30 with DASHPORT_RATE_LIMIT=20/minute and 2 workers, without Redis', async () => {
    const running = await startCluster({
      env: {
        DASHPORT_WORKERS: '2',
        DASHPORT_RATE_LIMIT: '20/minute',
        DASHPORT_TRUST_PROXY: 'true',
      },
    });
    cluster = running;
    onTestFailed(() => console.error(running.describe()));
    expectExactlyTwenty(await thirtyRequests(running));
  }, 120_000);

  it('admits exactly 20 of 30 with the counters in Redis', async () => {
    await requireRedis();
    const running = await startCluster({
      env: {
        DASHPORT_WORKERS: '2',
        DASHPORT_RATE_LIMIT: '20/minute',
        DASHPORT_TRUST_PROXY: 'true',
        REDIS_URL: TEST_REDIS_URL,
      },
    });
    cluster = running;
    onTestFailed(() => console.error(running.describe()));
    expectExactlyTwenty(await thirtyRequests(running));
  }, 120_000);
});
