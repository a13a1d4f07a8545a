/**
 * Rate limiting of the data API: every window of DASHPORT_RATE_LIMIT (`100/minute,1000/hour`)
 * counted per client IP (Fastify's `request.ip`, which honours DASHPORT_TRUST_PROXY) with the
 * server-wide counters of rate-limit-store.ts. Only `/api/` is limited, so health probes,
 * metrics and static files never are. Over any window: 429 with Retry-After; every limited
 * response carries the RateLimit headers of the window closest to its limit. A request is
 * answered without waiting whenever this process already holds a token of each window.
 */
import { normalizeIP } from '@fastify/rate-limit';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import fp from 'fastify-plugin';
import type { RateLimitWindow } from '../../config/parse-env.js';
import { DashportError } from '../../errors.js';
import type { TakeOutcome } from '../../resilience/lease-limiter.js';
import type { RateLimitCounters } from '../../resilience/rate-limit-store.js';

export interface RateLimitPluginOptions {
  /** Empty: rate limiting is off and the plugin adds nothing. */
  readonly windows: readonly RateLimitWindow[];
  readonly counters: RateLimitCounters;
  /** URL prefix that is limited. */
  readonly prefix?: string;
  /** Told about every request answered 429 (for the rate-limited metric). */
  readonly onLimited?: (request: FastifyRequest, window: RateLimitWindow) => void;
}

/** `100;w=60, 1000;w=3600` (draft-ietf-httpapi-ratelimit-headers). */
export function rateLimitPolicy(windows: readonly RateLimitWindow[]): string {
  return windows.map((window) => `${window.max};w=${window.windowSeconds}`).join(', ');
}

interface CompiledWindow {
  readonly window: RateLimitWindow;
  readonly keyPrefix: string;
  readonly windowMs: number;
}

/** Decides a request from its outcome in every window; returns the error to answer with. */
function decide(
  request: FastifyRequest,
  reply: FastifyReply,
  windows: readonly CompiledWindow[],
  outcomes: readonly TakeOutcome[],
  counters: RateLimitCounters,
  options: RateLimitPluginOptions,
  policy: string,
): DashportError | undefined {
  let binding = -1;
  let closest = -1;
  for (let i = 0; i < outcomes.length; i += 1) {
    const outcome = outcomes[i] as TakeOutcome;
    if (!outcome.allowed) {
      // The client may retry once every refusing window has reset.
      if (binding < 0 || outcome.ttlMs > (outcomes[binding] as TakeOutcome).ttlMs) binding = i;
    } else if (
      closest < 0 ||
      windowRemaining(windows[i], outcome) < windowRemaining(windows[closest], outcomes[closest])
    ) {
      closest = i;
    }
  }
  reply.header('ratelimit-policy', policy);
  if (binding < 0) {
    const outcome = outcomes[closest] as TakeOutcome;
    const { window } = windows[closest] as CompiledWindow;
    reply.header('ratelimit-limit', window.max);
    reply.header('ratelimit-remaining', window.max - outcome.current);
    reply.header('ratelimit-reset', Math.ceil(outcome.ttlMs / 1000));
    return undefined;
  }
  // Refused: the tokens the other windows gave this request go back.
  for (const outcome of outcomes) if (outcome.allowed) counters.giveBack(outcome);
  // The route's Server-Timing list starts in a route hook, which a refusal here pre-empts;
  // without it the 429 would fail while its headers are written.
  if (!Array.isArray(request.serverTimings as unknown)) request.serverTimings = [];
  const outcome = outcomes[binding] as TakeOutcome;
  const { window } = windows[binding] as CompiledWindow;
  const retryAfterSeconds = Math.max(1, Math.ceil(outcome.ttlMs / 1000));
  reply.header('ratelimit-limit', window.max);
  reply.header('ratelimit-remaining', 0);
  reply.header('ratelimit-reset', Math.ceil(outcome.ttlMs / 1000));
  reply.header('retry-after', retryAfterSeconds);
  options.onLimited?.(request, window);
  return new DashportError(
    'DASHPORT_ERR_RATE_LIMITED',
    `rate limit of ${window.label} per client exceeded (DASHPORT_RATE_LIMIT); retry in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
  );
}

function windowRemaining(
  compiled: CompiledWindow | undefined,
  outcome: TakeOutcome | undefined,
): number {
  return (compiled?.window.max ?? 0) - (outcome?.current ?? 0);
}

async function rateLimit(app: FastifyInstance, options: RateLimitPluginOptions): Promise<void> {
  if (options.windows.length === 0) return;
  const prefix = options.prefix ?? '/api/';
  const { counters } = options;
  const windows: CompiledWindow[] = options.windows.map((window) => ({
    window,
    keyPrefix: `${window.windowSeconds}:`,
    windowMs: window.windowSeconds * 1000,
  }));
  const policy = rateLimitPolicy(options.windows);

  // A callback hook: when every window answers from tokens held here, no promise is made.
  app.addHook(
    'onRequest',
    (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (!request.url.startsWith(prefix)) {
        done();
        return;
      }
      const ip = normalizeIP(request.ip);
      const taken: (TakeOutcome | Promise<TakeOutcome>)[] = [];
      let waiting = false;
      for (const compiled of windows) {
        const outcome = counters.take(
          compiled.keyPrefix + ip,
          compiled.windowMs,
          compiled.window.max,
        );
        if (outcome instanceof Promise) waiting = true;
        taken.push(outcome);
      }
      if (!waiting) {
        const error = decide(
          request,
          reply,
          windows,
          taken as TakeOutcome[],
          counters,
          options,
          policy,
        );
        done(error);
        return;
      }
      Promise.all(taken).then(
        (outcomes) => done(decide(request, reply, windows, outcomes, counters, options, policy)),
        (error: Error) => done(error),
      );
    },
  );
}

/** The rate-limit plugin; register it at the root so its hook sees every request. */
export const rateLimitPlugin = fp(rateLimit, { name: 'dashport-rate-limit', fastify: '5.x' });
