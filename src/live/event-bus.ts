/**
 * Fan-out of live events between processes: what one worker publishes reaches the SSE clients
 * of every worker and every replica through Redis pub/sub. Publishing goes through the circuit
 * breaker; while it is open (or without Redis) events stay in this process, and workers on the
 * same host still learn of new batches from the segment files themselves (segment-watcher).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { RedisClient } from '../resilience/redis-client.js';
import type { LiveEvent } from './sse-hub.js';

export const LIVE_CHANNEL = 'live';

export type EventOrigin = 'local' | 'remote';

export interface LiveBusStats {
  readonly published: number;
  readonly received: number;
  /** Events kept in-process because Redis was unavailable. */
  readonly localOnly: number;
}

export interface LiveBus {
  /** Hands `event` to this process's handlers at once, and to other processes via Redis. */
  publish(event: LiveEvent): void;
  onEvent(handler: (event: LiveEvent, origin: EventOrigin) => void): () => void;
  stats(): LiveBusStats;
  close(): Promise<void>;
}

export interface LiveBusOptions {
  readonly redis?: RedisClient | undefined;
  readonly logger: Logger;
  readonly channel?: string;
}

interface Envelope {
  readonly origin: string;
  readonly event: LiveEvent;
}

/** A bus over Redis pub/sub when configured, in-process otherwise. */
export function createLiveBus(options: LiveBusOptions): LiveBus {
  const origin = randomUUID();
  const handlers = new Set<(event: LiveEvent, from: EventOrigin) => void>();
  const redis = options.redis;
  const channel = redis?.key(options.channel ?? LIVE_CHANNEL);
  const counters = { published: 0, received: 0, localOnly: 0 };

  const dispatch = (event: LiveEvent, from: EventOrigin): void => {
    for (const handler of handlers) {
      try {
        handler(event, from);
      } catch (error) {
        options.logger.error({ err: error, dataset: event.dataset }, 'live event handler failed');
      }
    }
  };

  const subscriber =
    redis !== undefined && channel !== undefined ? redis.createSubscriber() : undefined;
  if (subscriber !== undefined && channel !== undefined) {
    subscriber.on('message', (from: string, message: string) => {
      if (from !== channel) return;
      let envelope: Envelope;
      try {
        envelope = JSON.parse(message) as Envelope;
      } catch {
        return;
      }
      if (envelope.origin === origin) return;
      counters.received += 1;
      dispatch(envelope.event, 'remote');
    });
    // autoResubscribe restores the subscription after a reconnect; the first one may fail
    // while Redis is down and is retried on 'ready'.
    const subscribe = (): void => {
      subscriber.subscribe(channel).catch(() => undefined);
    };
    subscriber.on('ready', subscribe);
  }

  return {
    publish(event) {
      dispatch(event, 'local');
      if (redis === undefined || channel === undefined || !redis.available()) {
        counters.localOnly += 1;
        return;
      }
      const message = JSON.stringify({ origin, event } satisfies Envelope);
      redis
        .run((r) => r.publish(channel, message))
        .then(
          () => {
            counters.published += 1;
          },
          () => {
            counters.localOnly += 1;
          },
        );
    },
    onEvent(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    stats: () => ({ ...counters }),
    async close() {
      handlers.clear();
      if (subscriber !== undefined) {
        await subscriber.quit().catch(() => subscriber.disconnect());
      }
    },
  };
}
