/**
 * Rate limiting of the data API: every window of DASHPORT_RATE_LIMIT (`100/minute,1000/hour`)
 * counted per client IP (Fastify's `request.ip`, which honours DASHPORT_TRUST_PROXY) with
 * @fastify/rate-limit over our Redis-or-in-process counters. Only `/api/` is limited, so health
 * probes, metrics and static files never are. Over any window: 429 with Retry-After; every
 * limited response carries the RateLimit headers of the window closest to its limit.
 */
import fastifyRateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RateLimitWindow } from '../../config/parse-env.js';
import { DashportError } from '../../errors.js';
import {
  type RateLimitCounters,
  createRateLimitStoreClass,
} from '../../resilience/rate-limit-store.js';

export interface RateLimitPluginOptions {
  /** Empty: rate limiting is off and the plugin adds nothing. */
  readonly windows: readonly RateLimitWindow[];
  readonly counters: RateLimitCounters;
  /** URL prefix that is limited. */
  readonly prefix?: string;
  /** Told about every request answered 429 (for the rate-limited metric). */
  readonly onLimited?: (request: FastifyRequest, window: RateLimitWindow) => void;
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
type Outcome = Exclude<Awaited<ReturnType<Limiter>>, { isAllowed: true }>;

/** `100;w=60, 1000;w=3600` (draft-ietf-httpapi-ratelimit-headers). */
export function rateLimitPolicy(windows: readonly RateLimitWindow[]): string {
  return windows.map((window) => `${window.max};w=${window.windowSeconds}`).join(', ');
}

function windowKey(window: RateLimitWindow, request: FastifyRequest): string {
  return `${window.windowSeconds}:${normalizeIP(request.ip)}`;
}

function setHeaders(reply: FastifyReply, outcome: Outcome, policy: string): void {
  reply.header('ratelimit-policy', policy);
  reply.header('ratelimit-limit', outcome.max);
  reply.header('ratelimit-remaining', outcome.remaining);
  reply.header('ratelimit-reset', outcome.ttlInSeconds);
}

async function rateLimit(app: FastifyInstance, options: RateLimitPluginOptions): Promise<void> {
  const windows = [...options.windows];
  if (windows.length === 0) return;
  const prefix = options.prefix ?? '/api/';
  await app.register(fastifyRateLimit, {
    global: false,
    store: createRateLimitStoreClass(options.counters),
  });
  const limiters = windows.map((window) => ({
    window,
    limiter: app.createRateLimit({
      max: window.max,
      timeWindow: window.windowSeconds * 1000,
      keyGenerator: (request) => windowKey(window, request),
    }),
  }));
  const policy = rateLimitPolicy(windows);

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith(prefix)) return;
    const outcomes = await Promise.all(
      limiters.map(async ({ window, limiter }) => ({ window, outcome: await limiter(request) })),
    );
    const counted = outcomes.filter(
      (entry): entry is { window: RateLimitWindow; outcome: Outcome } => !entry.outcome.isAllowed,
    );
    if (counted.length === 0) return;
    const exceeded = counted.filter((entry) => entry.outcome.isExceeded);
    if (exceeded.length > 0) {
      // The client may retry once every exceeded window has reset.
      const binding = exceeded.reduce((a, b) => (b.outcome.ttl > a.outcome.ttl ? b : a));
      setHeaders(reply, { ...binding.outcome, remaining: 0 }, policy);
      const retryAfterSeconds = Math.max(1, binding.outcome.ttlInSeconds);
      reply.header('retry-after', retryAfterSeconds);
      options.onLimited?.(request, binding.window);
      throw new DashportError(
        'DASHPORT_ERR_RATE_LIMITED',
        `rate limit of ${binding.window.label} per client exceeded (DASHPORT_RATE_LIMIT); retry in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    }
    const closest = counted.reduce((a, b) => (b.outcome.remaining < a.outcome.remaining ? b : a));
    setHeaders(reply, closest.outcome, policy);
  });
}

/** The rate-limit plugin; register it at the root so its hook sees every request. */
export const rateLimitPlugin = fp(rateLimit, { name: 'dashport-rate-limit', fastify: '5.x' });
