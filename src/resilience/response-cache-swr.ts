/**
 * Stale-while-revalidate for values that are expensive to refresh (a PostgreSQL dataset's
 * schema and sampled analyses, a dashboard's data while its source is being rebuilt): a fresh
 * value is served as is; a stale one is served at once while one background refresh runs; a
 * failed refresh keeps the last good value and records the failure, which `/health` shows.
 * Only a key never loaded successfully waits for its load (and sees its error).
 */

/** Defaults with their units. */
export const SWR_DEFAULTS = {
  /** After this long a value is refreshed in the background on its next read. */
  freshMs: 30_000,
  /** A value older than this is not served any more: the read waits for a refresh. */
  maxStaleMs: 24 * 60 * 60 * 1000,
} as const;

export interface SwrFailure {
  readonly key: string;
  readonly message: string;
  /** When the last refresh failed (ms since epoch). */
  readonly at: number;
  /** Age of the value still served, in ms. */
  readonly servingAgeMs: number;
}

export interface SwrRead<T> {
  readonly value: T;
  readonly loadedAt: number;
  readonly stale: boolean;
}

export interface SwrOptions {
  readonly freshMs?: number;
  readonly maxStaleMs?: number;
  readonly now?: () => number;
  /** Told about every failed background refresh (the value keeps being served). */
  readonly onRefreshError?: (key: string, error: unknown) => void;
}

export interface SwrReadOptions {
  /**
   * The source's version: a value loaded under another version is stale at once, whatever
   * its age (absent: staleness by age alone).
   */
  readonly version?: string;
}

export interface StaleWhileRevalidate<T> {
  get(key: string, load: () => Promise<T>, options?: SwrReadOptions): Promise<SwrRead<T>>;
  /** Keys whose last refresh failed while an older value is served. */
  failures(): SwrFailure[];
  delete(key: string): void;
  clear(): void;
}

interface Entry<T> {
  value: T | undefined;
  hasValue: boolean;
  loadedAt: number;
  version: string | undefined;
  refreshing: Promise<void> | undefined;
  error: { message: string; at: number } | undefined;
}

/** A stale-while-revalidate map of values by key. */
export function createStaleWhileRevalidate<T>(options: SwrOptions = {}): StaleWhileRevalidate<T> {
  const freshMs = options.freshMs ?? SWR_DEFAULTS.freshMs;
  const maxStaleMs = options.maxStaleMs ?? SWR_DEFAULTS.maxStaleMs;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry<T>>();

  const refresh = (
    key: string,
    entry: Entry<T>,
    load: () => Promise<T>,
    version: string | undefined,
  ) => {
    if (entry.refreshing !== undefined) return entry.refreshing;
    const run = (async () => {
      try {
        const value = await load();
        entry.value = value;
        entry.hasValue = true;
        entry.loadedAt = now();
        entry.version = version;
        entry.error = undefined;
      } catch (error) {
        entry.error = { message: (error as Error).message ?? String(error), at: now() };
        if (entry.hasValue) options.onRefreshError?.(key, error);
        else throw error;
      } finally {
        entry.refreshing = undefined;
      }
    })();
    entry.refreshing = run;
    return run;
  };

  return {
    async get(key, load, readOptions = {}) {
      let entry = entries.get(key);
      if (entry === undefined) {
        entry = {
          value: undefined,
          hasValue: false,
          loadedAt: 0,
          version: undefined,
          refreshing: undefined,
          error: undefined,
        };
        entries.set(key, entry);
      }
      const age = now() - entry.loadedAt;
      const versionChanged =
        readOptions.version !== undefined && readOptions.version !== entry.version;
      if (!entry.hasValue || age > maxStaleMs) {
        try {
          await refresh(key, entry, load, readOptions.version);
        } catch (error) {
          if (!entry.hasValue) entries.delete(key);
          throw error;
        }
        if (!entry.hasValue || now() - entry.loadedAt > maxStaleMs) {
          throw new Error(entry.error?.message ?? `no value for ${key}`);
        }
        return { value: entry.value as T, loadedAt: entry.loadedAt, stale: false };
      }
      const stale = versionChanged || age > freshMs;
      if (stale) void refresh(key, entry, load, readOptions.version).catch(() => undefined);
      return { value: entry.value as T, loadedAt: entry.loadedAt, stale };
    },
    failures() {
      const at = now();
      return [...entries.entries()]
        .filter(([, entry]) => entry.error !== undefined && entry.hasValue)
        .map(([key, entry]) => ({
          key,
          message: entry.error?.message ?? '',
          at: entry.error?.at ?? at,
          servingAgeMs: at - entry.loadedAt,
        }));
    },
    delete(key) {
      entries.delete(key);
    },
    clear() {
      entries.clear();
    },
  };
}
