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
  /** Built once and shared with the answer lane; else made from `windows` and `counters`. */
  readonly gate?: RateLimitGate | undefined;
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

/** What one request's outcomes in every window come to. */
export interface RateLimitVerdict {
  /** The RateLimit headers it carries: of the window closest to its limit, or the refusing one. */
  readonly headers: readonly (readonly [string, string])[];
  /** Set when a window refused it: that window (the one that resets last) and when to retry. */
  readonly refused?: { readonly window: RateLimitWindow; readonly retryAfterSeconds: number };
}

/**
 * The server-wide counters and windows of DASHPORT_RATE_LIMIT, for every request that takes a
 * token: the plugin's hook below and the answer lane in front of the router (answer-lane.ts),
 * so both count the same client in the same windows and send the same headers.
 */
export interface RateLimitGate {
  /** True for URLs that are limited (`/api/`). */
  applies(url: string): boolean;
  /** One token of each window for `ip` (Fastify's `request.ip`); a promise only while waiting. */
  take(ip: string): TakeOutcome[] | Promise<TakeOutcome[]>;
  verdict(outcomes: readonly TakeOutcome[]): RateLimitVerdict;
  /** Returns the tokens a request was given (it was refused elsewhere, or not answered). */
  giveBack(outcomes: readonly TakeOutcome[]): void;
}

function windowRemaining(
  compiled: CompiledWindow | undefined,
  outcome: TakeOutcome | undefined,
): number {
  return (compiled?.window.max ?? 0) - (outcome?.current ?? 0);
}

/** Undefined when no window is configured: nothing is limited. */
export function createRateLimitGate(
  windowsConfigured: readonly RateLimitWindow[],
  counters: RateLimitCounters,
  prefix = '/api/',
): RateLimitGate | undefined {
  if (windowsConfigured.length === 0) return undefined;
  const windows: CompiledWindow[] = windowsConfigured.map((window) => ({
    window,
    keyPrefix: `${window.windowSeconds}:`,
    windowMs: window.windowSeconds * 1000,
  }));
  const policy: readonly [string, string] = [
    'ratelimit-policy',
    rateLimitPolicy(windowsConfigured),
  ];
  return {
    applies: (url) => url.startsWith(prefix),
    take(ip) {
      const key = normalizeIP(ip);
      const taken: (TakeOutcome | Promise<TakeOutcome>)[] = [];
      let waiting = false;
      for (const compiled of windows) {
        const outcome = counters.take(
          compiled.keyPrefix + key,
          compiled.windowMs,
          compiled.window.max,
        );
        if (outcome instanceof Promise) waiting = true;
        taken.push(outcome);
      }
      return waiting ? Promise.all(taken) : (taken as TakeOutcome[]);
    },
    verdict(outcomes) {
      let binding = -1;
      let closest = -1;
      for (let i = 0; i < outcomes.length; i += 1) {
        const outcome = outcomes[i] as TakeOutcome;
        if (!outcome.allowed) {
          // The client may retry once every refusing window has reset.
          if (binding < 0 || outcome.ttlMs > (outcomes[binding] as TakeOutcome).ttlMs) binding = i;
        } else if (
          closest < 0 ||
          windowRemaining(windows[i], outcome) <
            windowRemaining(windows[closest], outcomes[closest])
        ) {
          closest = i;
        }
      }
      if (binding < 0) {
        const outcome = outcomes[closest] as TakeOutcome;
        const { window } = windows[closest] as CompiledWindow;
        return {
          headers: [
            policy,
            ['ratelimit-limit', String(window.max)],
            ['ratelimit-remaining', String(window.max - outcome.current)],
            ['ratelimit-reset', String(Math.ceil(outcome.ttlMs / 1000))],
          ],
        };
      }
      const outcome = outcomes[binding] as TakeOutcome;
      const { window } = windows[binding] as CompiledWindow;
      const retryAfterSeconds = Math.max(1, Math.ceil(outcome.ttlMs / 1000));
      return {
        headers: [
          policy,
          ['ratelimit-limit', String(window.max)],
          ['ratelimit-remaining', '0'],
          ['ratelimit-reset', String(Math.ceil(outcome.ttlMs / 1000))],
          ['retry-after', String(retryAfterSeconds)],
        ],
        refused: { window, retryAfterSeconds },
      };
    },
    giveBack(outcomes) {
      for (const outcome of outcomes) if (outcome.allowed) counters.giveBack(outcome);
    },
  };
}

/** Decides a request from its outcome in every window; returns the error to answer with. */
function decide(
  request: FastifyRequest,
  reply: FastifyReply,
  gate: RateLimitGate,
  outcomes: readonly TakeOutcome[],
  options: RateLimitPluginOptions,
): DashportError | undefined {
  const verdict = gate.verdict(outcomes);
  for (const [name, value] of verdict.headers) reply.header(name, value);
  const { refused } = verdict;
  if (refused === undefined) return undefined;
  // Refused: the tokens the other windows gave this request go back.
  gate.giveBack(outcomes);
  // The route's Server-Timing list starts in a route hook, which a refusal here pre-empts;
  // without it the 429 would fail while its headers are written.
  if (!Array.isArray(request.serverTimings as unknown)) request.serverTimings = [];
  options.onLimited?.(request, refused.window);
  return new DashportError(
    'DASHPORT_ERR_RATE_LIMITED',
    `rate limit of ${refused.window.label} per client exceeded (DASHPORT_RATE_LIMIT); retry in ${refused.retryAfterSeconds} s`,
    { retryAfterSeconds: refused.retryAfterSeconds },
  );
}

async function rateLimit(app: FastifyInstance, options: RateLimitPluginOptions): Promise<void> {
  const gate =
    options.gate ?? createRateLimitGate(options.windows, options.counters, options.prefix);
  if (gate === undefined) return;

  // A callback hook: when every window answers from tokens held here, no promise is made.
  app.addHook(
    'onRequest',
    (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (!gate.applies(request.url)) {
        done();
        return;
      }
      const taken = gate.take(request.ip);
      if (!(taken instanceof Promise)) {
        done(decide(request, reply, gate, taken, options));
        return;
      }
      taken.then(
        (outcomes) => done(decide(request, reply, gate, outcomes, options)),
        (error: Error) => done(error),
      );
    },
  );
}

/** The rate-limit plugin; register it at the root so its hook sees every request. */
export const rateLimitPlugin = fp(rateLimit, { name: 'dashport-rate-limit', fastify: '5.x' });
