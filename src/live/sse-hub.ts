/**
 * Server-Sent Events to the browsers of this process: per-dataset subscribers, a heartbeat
 * comment so proxies keep idle streams open, the last events of each dataset kept for
 * `Last-Event-ID` resume, and a bound on what a client may leave unread — a client that
 * cannot keep up is disconnected (it reconnects and resumes) rather than buffered without
 * limit. Every event is delivered once per client even when it arrives twice (from the local
 * publisher and back from Redis, or from a file watcher).
 */
import type { ServerResponse } from 'node:http';
import { LRUCache } from 'lru-cache';

/** Defaults with their units. */
export const SSE_DEFAULTS = {
  heartbeatMs: 15_000,
  /** Unsent bytes past which a client is dropped. */
  maxBufferedBytes: 1024 * 1024,
  /** Events kept per dataset for resume. */
  replayEvents: 500,
  /** What browsers wait before reconnecting (the `retry:` field). */
  retryMs: 2_000,
  /** Ids remembered to drop duplicate deliveries. */
  seenIds: 20_000,
} as const;

export type LiveEventType = 'rows' | 'version';

/** One event of a dataset; `id` orders and identifies it across processes. */
export interface LiveEvent {
  readonly id: string;
  readonly dataset: string;
  readonly type: LiveEventType;
  readonly data: unknown;
}

export interface SseHubOptions {
  readonly heartbeatMs?: number;
  readonly maxBufferedBytes?: number;
  readonly replayEvents?: number;
  readonly retryMs?: number;
  /** The dataset's current version, sent when a resume cannot be served from memory. */
  readonly versionOf?: (dataset: string) => string | undefined;
  /** Told about every client dropped for being too slow. */
  readonly onDrop?: (dataset: string) => void;
}

export interface SseStats {
  readonly connections: number;
  readonly delivered: number;
  readonly dropped: number;
}

export interface SseHub {
  /**
   * Streams `dataset`'s events to `response` (headers already sent by the caller), first
   * replaying those after `lastEventId`; returns a function that detaches it.
   */
  attach(dataset: string, response: ServerResponse, lastEventId?: string): () => void;
  /** Sends `event` to its dataset's clients; false when it was already delivered. */
  deliver(event: LiveEvent): boolean;
  /** Whether an event with this id was already delivered. */
  has(id: string): boolean;
  connections(dataset?: string): number;
  stats(): SseStats;
  /** Tells every client to reconnect soon (shutdown) and ends the streams. */
  closeAll(): void;
}

interface Client {
  readonly dataset: string;
  readonly response: ServerResponse;
}

/** The SSE frame of an event. */
export function formatEvent(event: Pick<LiveEvent, 'id' | 'type' | 'data'>): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** A hub with one heartbeat timer for all its clients. */
export function createSseHub(options: SseHubOptions = {}): SseHub {
  const maxBufferedBytes = options.maxBufferedBytes ?? SSE_DEFAULTS.maxBufferedBytes;
  const replayEvents = options.replayEvents ?? SSE_DEFAULTS.replayEvents;
  const retryMs = options.retryMs ?? SSE_DEFAULTS.retryMs;
  const clients = new Set<Client>();
  const recent = new Map<string, LiveEvent[]>();
  const seen = new LRUCache<string, true>({ max: SSE_DEFAULTS.seenIds });
  let delivered = 0;
  let dropped = 0;
  let heartbeat: NodeJS.Timeout | undefined;

  const detach = (client: Client): void => {
    clients.delete(client);
    if (clients.size === 0 && heartbeat !== undefined) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  };

  /** Writes to a client unless it is too far behind, in which case it is dropped. */
  const send = (client: Client, frame: string): void => {
    if (client.response.writableEnded || client.response.destroyed) {
      detach(client);
      return;
    }
    if (client.response.writableLength + frame.length > maxBufferedBytes) {
      dropped += 1;
      detach(client);
      options.onDrop?.(client.dataset);
      client.response.destroy();
      return;
    }
    client.response.write(frame);
  };

  const ensureHeartbeat = (): void => {
    if (heartbeat !== undefined) return;
    heartbeat = setInterval(() => {
      for (const client of clients) send(client, ': heartbeat\n\n');
    }, options.heartbeatMs ?? SSE_DEFAULTS.heartbeatMs);
    heartbeat.unref();
  };

  return {
    attach(dataset, response, lastEventId) {
      const client: Client = { dataset, response };
      clients.add(client);
      ensureHeartbeat();
      response.on('close', () => detach(client));
      send(client, `retry: ${retryMs}\n: connected to ${dataset}\n\n`);
      if (lastEventId !== undefined && lastEventId !== '') {
        const events = recent.get(dataset) ?? [];
        const index = events.findIndex((event) => event.id === lastEventId);
        if (index >= 0) {
          for (const event of events.slice(index + 1)) send(client, formatEvent(event));
        } else {
          // Too old (or from before a restart): the client must reload what it shows.
          const version = options.versionOf?.(dataset);
          send(
            client,
            formatEvent({
              id: lastEventId,
              type: 'version',
              data: { dataset, version: version ?? null, reason: 'resume-gap' },
            }),
          );
        }
      }
      return () => detach(client);
    },
    deliver(event) {
      if (seen.has(event.id)) return false;
      seen.set(event.id, true);
      let events = recent.get(event.dataset);
      if (events === undefined) {
        events = [];
        recent.set(event.dataset, events);
      }
      events.push(event);
      if (events.length > replayEvents) events.splice(0, events.length - replayEvents);
      const frame = formatEvent(event);
      for (const client of clients) {
        if (client.dataset !== event.dataset) continue;
        send(client, frame);
        delivered += 1;
      }
      return true;
    },
    has: (id) => seen.has(id),
    connections(dataset) {
      if (dataset === undefined) return clients.size;
      let count = 0;
      for (const client of clients) if (client.dataset === dataset) count += 1;
      return count;
    },
    stats: () => ({ connections: clients.size, delivered, dropped }),
    closeAll() {
      for (const client of [...clients]) {
        detach(client);
        if (!client.response.writableEnded)
          client.response.end(`retry: ${Math.min(retryMs, 1000)}\n: server restarting\n\n`);
      }
    },
  };
}
