/**
 * The two-level response cache: an in-process LRU in front of Redis (shared by workers and
 * replicas). Keys carry the dataset version, so a changed dataset is never answered from an
 * older entry; `invalidate` frees the old entries of this process at once and Redis lets its
 * own expire. Redis is reached through the breaker: while it is open the LRU alone serves.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { RedisClient } from './redis-client.js';

/** Defaults with their units. */
export const RESPONSE_CACHE_DEFAULTS = {
  /** In-process budget per worker. */
  memoryMaxBytes: 64 * 1024 * 1024,
  /** How long an entry lives in either layer; versions make older entries unreachable anyway. */
  ttlMs: 10 * 60 * 1000,
  /** Bodies larger than this are not cached (they would evict everything else). */
  maxEntryBytes: 8 * 1024 * 1024,
} as const;

export type CacheLayer = 'memory' | 'redis';

/** What identifies a cached response. */
export interface ResponseCacheKey {
  readonly dataset: string;
  /** The dataset version the response was computed from. */
  readonly version: string;
  /** The endpoint: rows, aggregate, dashboard, … */
  readonly kind: string;
  /** The query: its digest (src/engine/query-digest.ts) or any stable text. */
  readonly query: string;
}

export interface CachedValue<T> {
  readonly value: T;
  /** When it was computed (ms since epoch), for Last-Modified and Age. */
  readonly storedAt: number;
}

export interface CacheLookup<T> extends CachedValue<T> {
  /** The layer that answered. */
  readonly layer: CacheLayer;
}

export interface LayerStats {
  hits: number;
  misses: number;
}

export interface ResponseCacheStats {
  readonly memory: LayerStats & { readonly entries: number; readonly bytes: number };
  readonly redis: LayerStats & { readonly errors: number; readonly skipped: number };
}

export interface ResponseCacheOptions {
  /** Absent: in-process only. */
  readonly redis?: RedisClient | undefined;
  readonly memoryMaxBytes?: number;
  readonly ttlMs?: number;
  readonly maxEntryBytes?: number;
  /** Called on every lookup of a layer, for the hit/miss metrics. */
  readonly onLookup?: (layer: CacheLayer, outcome: 'hit' | 'miss') => void;
  readonly now?: () => number;
}

export interface ResponseCache {
  get<T>(key: ResponseCacheKey): Promise<CacheLookup<T> | undefined>;
  /**
   * This process's entry, synchronously, or undefined (Redis is not asked, and a miss is not
   * counted: the caller then asks `get`). For answers given in front of the router.
   */
  peek<T>(key: ResponseCacheKey): CachedValue<T> | undefined;
  set<T>(key: ResponseCacheKey, value: T): Promise<void>;
  /** Drops this process's entries of `dataset` (every version). */
  invalidate(dataset: string): void;
  stats(): ResponseCacheStats;
}

interface MemoryEntry {
  readonly entry: CachedValue<unknown>;
  /** The length of its JSON text, the LRU's measure of size. */
  readonly bytes: number;
}

/**
 * Freezes a cached value all the way down. Every hit hands out the same object, so a caller
 * that changed it would change the next viewer's answer; frozen, such a change throws (ES
 * modules are strict) instead of corrupting the cache.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  // A typed array with elements cannot be frozen; JSON never holds one, but say so rather than throw.
  if (ArrayBuffer.isView(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

function memoryKey(key: ResponseCacheKey): string {
  return `${key.dataset}\u0000${key.version}\u0000${key.kind}\u0000${key.query}`;
}

function redisKeyName(key: ResponseCacheKey): string {
  const digest = createHash('sha256').update(memoryKey(key)).digest('base64url').slice(0, 32);
  return `rc:${key.dataset}:${digest}`;
}

/** A two-level cache; without `redis` it is the LRU alone. */
export function createResponseCache(options: ResponseCacheOptions = {}): ResponseCache {
  const ttlMs = options.ttlMs ?? RESPONSE_CACHE_DEFAULTS.ttlMs;
  const maxEntryBytes = options.maxEntryBytes ?? RESPONSE_CACHE_DEFAULTS.maxEntryBytes;
  const now = options.now ?? Date.now;
  const redis = options.redis;
  // Parsed and frozen, with the size of its text: a hit is answered without a JSON.parse, and a
  // frozen value's serialization is remembered (src/server/json-serializer.ts).
  const memory = new LRUCache<string, MemoryEntry>({
    maxSize: options.memoryMaxBytes ?? RESPONSE_CACHE_DEFAULTS.memoryMaxBytes,
    sizeCalculation: (entry, key) => entry.bytes + key.length,
    ttl: ttlMs,
    perf: { now },
  });
  const byDataset = new Map<string, Set<string>>();
  const counters = {
    memory: { hits: 0, misses: 0 },
    redis: { hits: 0, misses: 0, errors: 0, skipped: 0 },
  };

  const count = (layer: CacheLayer, outcome: 'hit' | 'miss'): void => {
    counters[layer][outcome === 'hit' ? 'hits' : 'misses'] += 1;
    options.onLookup?.(layer, outcome);
  };

  const remember = (
    key: ResponseCacheKey,
    mkey: string,
    entry: CachedValue<unknown>,
    bytes: number,
  ): void => {
    if (bytes > maxEntryBytes) return;
    memory.set(mkey, { entry: deepFreeze(entry), bytes });
    let keys = byDataset.get(key.dataset);
    if (keys === undefined) {
      keys = new Set();
      byDataset.set(key.dataset, keys);
    }
    keys.add(mkey);
    // The index only needs keys the LRU still holds; prune when it grows past them.
    if (keys.size > 2 * memory.size + 64) {
      for (const candidate of keys) if (!memory.has(candidate)) keys.delete(candidate);
    }
  };

  const readRedis = async (key: ResponseCacheKey): Promise<string | undefined> => {
    if (redis === undefined) return undefined;
    if (!redis.available()) {
      counters.redis.skipped += 1;
      return undefined;
    }
    try {
      const text = await redis.run((r) => r.get(redis.key(redisKeyName(key))));
      count('redis', text === null ? 'miss' : 'hit');
      return text ?? undefined;
    } catch {
      counters.redis.errors += 1;
      return undefined;
    }
  };

  const writeRedis = (key: ResponseCacheKey, text: string): Promise<void> => {
    if (redis === undefined || !redis.available() || text.length > maxEntryBytes) {
      return Promise.resolve();
    }
    return redis
      .run((r) => r.set(redis.key(redisKeyName(key)), text, 'PX', ttlMs))
      .then(
        () => undefined,
        () => {
          counters.redis.errors += 1;
        },
      );
  };

  const cache: ResponseCache = {
    async get<T>(key: ResponseCacheKey) {
      const mkey = memoryKey(key);
      const local = memory.get(mkey);
      if (local !== undefined) {
        count('memory', 'hit');
        return { ...(local.entry as CachedValue<T>), layer: 'memory' as const };
      }
      count('memory', 'miss');
      const shared = await readRedis(key);
      if (shared === undefined) return undefined;
      const entry = JSON.parse(shared) as CachedValue<T>;
      remember(key, mkey, entry, shared.length);
      return { ...entry, layer: 'redis' as const };
    },
    peek<T>(key: ResponseCacheKey) {
      const local = memory.get(memoryKey(key));
      if (local === undefined) return undefined;
      count('memory', 'hit');
      return local.entry as CachedValue<T>;
    },
    async set<T>(key: ResponseCacheKey, value: T) {
      const entry: CachedValue<T> = { value, storedAt: now() };
      const text = JSON.stringify(entry);
      remember(key, memoryKey(key), entry, text.length);
      await writeRedis(key, text);
    },
    invalidate(dataset) {
      const keys = byDataset.get(dataset);
      if (keys === undefined) return;
      for (const mkey of keys) memory.delete(mkey);
      byDataset.delete(dataset);
    },
    stats() {
      return {
        memory: { ...counters.memory, entries: memory.size, bytes: memory.calculatedSize },
        redis: { ...counters.redis },
      };
    },
  };
  return cache;
}
