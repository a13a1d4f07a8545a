/**
 * The shared Redis connection behind the circuit breaker. Every command goes through
 * `run()`, which fails fast (BreakerOpenError) while the breaker is open, so callers fall back
 * to their in-process twin and users see no error. The client never blocks the start: it
 * connects in the background, queues nothing while disconnected and times commands out
 * quickly, so a dead Redis shows up as fast failures that open the breaker.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { redactUrlSecrets } from '../logger.js';
import {
  type BreakerSnapshot,
  type BreakerState,
  type CircuitBreaker,
  createCircuitBreaker,
} from './circuit-breaker.js';

/** Resilience defaults, in one place with their units. */
export const REDIS_DEFAULTS = {
  /** A command without a reply after this long fails (and counts against the breaker). */
  commandTimeoutMs: 500,
  connectTimeoutMs: 2_000,
  /** Reconnect backoff: 100 ms, 200 ms, … capped here. */
  reconnectMaxDelayMs: 1_000,
  /** Prefix of every key and channel Dashport uses, so one Redis can serve other apps. */
  keyPrefix: 'dashport:',
} as const;

export interface RedisClientOptions {
  readonly url: string;
  readonly breakerThreshold: number;
  readonly breakerResetSeconds: number;
  readonly logger: Logger;
  readonly commandTimeoutMs?: number;
  readonly keyPrefix?: string;
}

/** The Redis health check as `/health` shows it. */
export interface RedisHealth {
  readonly status: 'healthy' | 'degraded';
  readonly circuit_breaker_state: BreakerState;
  readonly response_time_ms: number | null;
  readonly trips: number;
  readonly error?: string;
}

export interface RedisClient {
  /** Runs commands on the shared connection through the breaker. */
  run<T>(command: (redis: Redis) => Promise<T>): Promise<T>;
  /** False while the breaker is open: use the in-process fallback without trying. */
  available(): boolean;
  readonly breaker: CircuitBreaker;
  /** `prefix + name`, the key or channel name to use. */
  key(name: string): string;
  /** A new connection for SUBSCRIBE (a subscribed connection cannot run other commands). */
  createSubscriber(): Redis;
  /** Resolves when connected, or after `timeoutMs` either way; never rejects. */
  waitReady(timeoutMs: number): Promise<boolean>;
  /** PING through the breaker with its latency. */
  health(): Promise<RedisHealth>;
  snapshot(): BreakerSnapshot;
  close(): Promise<void>;
}

function clientOptions(commandTimeoutMs: number | undefined) {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    ...(commandTimeoutMs === undefined ? {} : { commandTimeout: commandTimeoutMs }),
    connectTimeout: REDIS_DEFAULTS.connectTimeoutMs,
    enableReadyCheck: true,
    // Commands of concurrent requests issued in one tick travel in one write: under load the
    // rate-limit counters and cache lookups cost one round trip per tick, not per request.
    enableAutoPipelining: true,
    retryStrategy: (times: number) => Math.min(times * 100, REDIS_DEFAULTS.reconnectMaxDelayMs),
  };
}

/** Connect (in the background) to `url` with the breaker the config describes. */
export function createRedisClient(options: RedisClientOptions): RedisClient {
  const commandTimeoutMs = options.commandTimeoutMs ?? REDIS_DEFAULTS.commandTimeoutMs;
  const prefix = options.keyPrefix ?? REDIS_DEFAULTS.keyPrefix;
  const where = redactUrlSecrets(options.url);
  const breaker = createCircuitBreaker({
    name: 'redis',
    threshold: options.breakerThreshold,
    resetMs: options.breakerResetSeconds * 1000,
    callTimeoutMs: commandTimeoutMs * 2,
  });
  const subscribers = new Set<Redis>();
  const redis = new Redis(options.url, clientOptions(commandTimeoutMs));
  let lastError: string | undefined;

  // Without an 'error' listener ioredis errors would be unhandled; log each outage once.
  redis.on('error', (error: Error) => {
    if (lastError !== error.message) {
      options.logger.warn({ redis: where, err: error.message }, 'redis connection error');
    }
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (lastError !== undefined) options.logger.info({ redis: where }, 'redis connection restored');
    lastError = undefined;
  });
  breaker.onStateChange((state, snap) => {
    const level = state === 'open' ? 'warn' : 'info';
    options.logger[level](
      { redis: where, circuit_breaker_state: state, trips: snap.trips },
      state === 'open'
        ? 'redis circuit breaker opened: serving from in-process cache and counters'
        : `redis circuit breaker ${state === 'closed' ? 'closed' : 'half-open'}`,
    );
  });
  redis.connect().catch(() => undefined);

  const client: RedisClient = {
    breaker,
    run(command) {
      return breaker.fire(() => command(redis));
    },
    available() {
      return breaker.state !== 'open';
    },
    key(name) {
      return `${prefix}${name}`;
    },
    createSubscriber() {
      // SUBSCRIBE replies stream forever: no command timeout on this connection.
      const subscriber = new Redis(options.url, {
        ...clientOptions(undefined),
        autoResubscribe: true,
      });
      subscriber.on('error', () => undefined);
      subscriber.connect().catch(() => undefined);
      subscribers.add(subscriber);
      return subscriber;
    },
    async waitReady(timeoutMs) {
      if (redis.status === 'ready') return true;
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          redis.off('ready', onReady);
          resolve(false);
        }, timeoutMs);
        timer.unref();
        const onReady = (): void => {
          clearTimeout(timer);
          resolve(true);
        };
        redis.once('ready', onReady);
      });
    },
    async health() {
      const started = performance.now();
      try {
        await client.run((r) => r.ping());
        return {
          status: breaker.state === 'closed' ? 'healthy' : 'degraded',
          circuit_breaker_state: breaker.state,
          response_time_ms: Math.round((performance.now() - started) * 100) / 100,
          trips: breaker.trips,
        };
      } catch (error) {
        return {
          status: 'degraded',
          circuit_breaker_state: breaker.state,
          response_time_ms: null,
          trips: breaker.trips,
          error: redactUrlSecrets((error as Error).message),
        };
      }
    },
    snapshot: () => breaker.snapshot(),
    async close() {
      breaker.shutdown();
      await Promise.all(
        [redis, ...subscribers].map(async (connection) => {
          try {
            await connection.quit();
          } catch {
            connection.disconnect();
          }
        }),
      );
      subscribers.clear();
    },
  };
  return client;
}
