/**
 * The append-only store of rows POSTed to a live file dataset, in the cache dir:
 *
 *   <cacheDir>/live/<id>/seg-<ms>-<seq>-<pid>-<rand>-r<rows>.ndjson   one batch each
 *   <cacheDir>/live/<id>/part-<ms>-<rand>.parquet                     compacted segments
 *   <cacheDir>/live/<id>/state.json                                   which parts exist and
 *                                                                     which segments they hold
 *
 * A batch is one segment, written under a temporary name, fsynced and renamed: it is visible
 * whole or not at all, whatever crashes. Readers glob `seg-*.ndjson`, so a new batch needs no
 * change on their side; an empty sentinel segment keeps the glob from ever matching nothing. Compaction copies segments into a Parquet part and
 * then commits state.json (renamed into place) naming the part and the segments it covers;
 * readers skip covered segments, so every row is read exactly once before, during and after a
 * compaction. Files a commit made obsolete are deleted a grace period later, so a process still
 * reading the previous snapshot does not lose its files under it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BoundValue } from '../engine/sql/query-types.js';
import { temporaryPath, writeFileAtomic } from '../engine/cache-store.js';
import { isProcessAlive } from '../engine/process-alive.js';

/** Defaults with their units. */
export const SEGMENT_STORE_DEFAULTS = {
  /** Compact once this many segments wait… */
  compactSegments: 128,
  /** …or once the oldest waiting segment is this old. */
  compactAgeMs: 30_000,
  /** Merge the Parquet parts into one past this many. */
  maxParts: 8,
  /** Obsolete files stay this long after the commit that replaced them. */
  graceMs: 60_000,
  /** A compaction lock untouched this long belongs to a dead process. */
  lockStaleMs: 120_000,
} as const;

const SEGMENT_PATTERN = /^seg-(\d{13})-(\d{6})-(\d+)-([0-9a-f]+)-r(\d+)\.ndjson$/;
/** The empty segment every dataset folder holds, never compacted nor deleted. */
export const SENTINEL_SEGMENT = 'seg-0000000000000-000000-0-0-r0.ndjson';
/** What readers glob in a dataset folder. */
export const SEGMENT_GLOB = 'seg-*.ndjson';

export interface SegmentFile {
  /** File name; without `.ndjson` it is the SSE event id of the batch. */
  readonly name: string;
  readonly file: string;
  readonly rows: number;
  readonly createdMs: number;
}

export interface LiveSnapshot {
  /** The dataset's folder (segments are `<dir>/seg-*.ndjson`). */
  readonly dir: string;
  readonly parts: readonly { readonly file: string; readonly rows: number }[];
  readonly segments: readonly SegmentFile[];
  /** Segment files still on disk whose rows are in a part (readers must skip them). */
  readonly covered: readonly string[];
  /** Changes when parts or covered segments change (not when a segment is added). */
  readonly structure: string;
  /** Rows in parts and segments. */
  readonly rows: number;
  /** Changes whenever the set of files changes. */
  readonly version: string;
  readonly updatedAt: Date | undefined;
}

interface StoreState {
  parts: { name: string; rows: number; createdMs: number }[];
  covered: string[];
  obsolete: { name: string; sinceMs: number }[];
}

export interface SegmentStore {
  /** The folder of one dataset's live files. */
  dir(id: string): string;
  /** Creates the folder and its sentinel segment. */
  ensure(id: string): Promise<void>;
  /** Writes one batch as a segment; resolves once it is durable and visible. */
  append(
    id: string,
    columns: readonly string[],
    rows: readonly (readonly BoundValue[])[],
  ): Promise<SegmentFile>;
  snapshot(id: string): Promise<LiveSnapshot>;
  /** The rows of one segment as [columns, rows]. */
  readSegment(segment: SegmentFile, columns: readonly string[]): Promise<BoundValue[][]>;
  /** Whether `id` has enough waiting segments to be worth compacting now. */
  shouldCompact(snapshot: LiveSnapshot): boolean;
  /**
   * Moves the waiting segments into a Parquet part with `writeParquet(inputs, target)` (and
   * merges parts past the limit); false when another process holds the lock.
   */
  compact(
    id: string,
    writeParquet: (inputs: CompactionInputs, target: string) => Promise<void>,
  ): Promise<boolean>;
  /** Removes temporary files a crashed writer left (never read, but they take space). */
  sweep(id: string): Promise<number>;
}

export interface CompactionInputs {
  readonly parts: readonly string[];
  readonly segments: readonly string[];
}

export interface SegmentStoreOptions {
  readonly cacheDir: string;
  readonly now?: () => number;
  readonly compactSegments?: number;
  readonly compactAgeMs?: number;
  readonly graceMs?: number;
}

function serialize(columns: readonly string[], row: readonly BoundValue[]): string {
  const object: Record<string, string | number | boolean | null> = {};
  columns.forEach((name, i) => {
    const value = row[i] ?? null;
    // JSON has no 64-bit integers; DuckDB reads the digits back into BIGINT.
    object[name] = typeof value === 'bigint' ? value.toString() : value;
  });
  return JSON.stringify(object);
}

/** The store under `cacheDir/live`. */
export function createSegmentStore(options: SegmentStoreOptions): SegmentStore {
  const now = options.now ?? Date.now;
  const compactSegments = options.compactSegments ?? SEGMENT_STORE_DEFAULTS.compactSegments;
  const compactAgeMs = options.compactAgeMs ?? SEGMENT_STORE_DEFAULTS.compactAgeMs;
  const graceMs = options.graceMs ?? SEGMENT_STORE_DEFAULTS.graceMs;
  let sequence = 0;
  let lastMs = 0;

  const dirOf = (id: string): string => path.join(options.cacheDir, 'live', id);

  async function readState(id: string): Promise<StoreState> {
    try {
      const state = JSON.parse(
        await readFile(path.join(dirOf(id), 'state.json'), 'utf8'),
      ) as StoreState;
      return {
        parts: state.parts ?? [],
        covered: state.covered ?? [],
        obsolete: state.obsolete ?? [],
      };
    } catch {
      return { parts: [], covered: [], obsolete: [] };
    }
  }

  async function listSegments(id: string): Promise<SegmentFile[]> {
    let names: string[];
    try {
      names = await readdir(dirOf(id));
    } catch {
      return [];
    }
    const segments: SegmentFile[] = [];
    for (const name of names) {
      const match = SEGMENT_PATTERN.exec(name);
      if (match === null || name === SENTINEL_SEGMENT) continue;
      segments.push({
        name,
        file: path.join(dirOf(id), name),
        rows: Number(match[5]),
        createdMs: Number(match[1]),
      });
    }
    return segments.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async function lock(id: string): Promise<(() => Promise<void>) | undefined> {
    const file = path.join(dirOf(id), 'compact.lock');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const handle = await open(file, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        return () => rm(file, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      try {
        const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
        const pid = Number(text);
        const dead = Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid);
        if (!dead && now() - info.mtimeMs < SEGMENT_STORE_DEFAULTS.lockStaleMs) return undefined;
        await rm(file, { force: true });
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  const ensured = new Set<string>();

  const store: SegmentStore = {
    dir: dirOf,
    async ensure(id) {
      if (ensured.has(id)) return;
      const sentinel = path.join(dirOf(id), SENTINEL_SEGMENT);
      try {
        await stat(sentinel);
      } catch {
        await writeFileAtomic(sentinel, '');
      }
      ensured.add(id);
    },
    async append(id, columns, rows) {
      const dir = dirOf(id);
      await store.ensure(id);
      // Names sort by time, then by a per-process sequence for batches within one millisecond.
      const ms = Math.max(now(), lastMs);
      if (ms !== lastMs) sequence = 0;
      lastMs = ms;
      sequence += 1;
      const name = `seg-${String(ms).padStart(13, '0')}-${String(sequence).padStart(6, '0')}-${process.pid}-${randomBytes(4).toString('hex')}-r${rows.length}.ndjson`;
      const target = path.join(dir, name);
      const temporary = temporaryPath(target);
      const handle = await open(temporary, 'w');
      try {
        await handle.writeFile(`${rows.map((row) => serialize(columns, row)).join('\n')}\n`);
        // Data only: the rename below is what publishes the file.
        await handle.datasync();
      } catch (error) {
        await handle.close();
        await rm(temporary, { force: true });
        throw error;
      }
      await handle.close();
      await rename(temporary, target);
      return { name, file: target, rows: rows.length, createdMs: ms };
    },
    async snapshot(id) {
      // State first, listing second: a compaction committing in between only hides segments
      // it has already copied into a part, which the next snapshot then reads.
      const state = await readState(id);
      const covered = new Set(state.covered);
      const listed = await listSegments(id);
      const segments = listed.filter((segment) => !covered.has(segment.name));
      const coveredFiles = listed
        .filter((segment) => covered.has(segment.name))
        .map((segment) => segment.file);
      const parts = state.parts.map((part) => ({
        file: path.join(dirOf(id), part.name),
        rows: part.rows,
      }));
      const rows =
        parts.reduce((sum, part) => sum + part.rows, 0) +
        segments.reduce((sum, s) => sum + s.rows, 0);
      const names = [
        ...state.parts.map((part) => part.name),
        ...segments.map((segment) => segment.name),
      ];
      const newest = Math.max(
        0,
        ...state.parts.map((part) => part.createdMs),
        ...segments.map((s) => s.createdMs),
      );
      return {
        dir: dirOf(id),
        parts,
        segments,
        covered: coveredFiles,
        structure: createHash('sha256')
          .update(JSON.stringify([state.parts.map((part) => part.name), state.covered]))
          .digest('hex')
          .slice(0, 12),
        rows,
        version:
          names.length === 0
            ? '0'
            : createHash('sha256').update(names.join('\n')).digest('hex').slice(0, 12),
        updatedAt: newest === 0 ? undefined : new Date(newest),
      };
    },
    async readSegment(segment, columns) {
      const text = await readFile(segment.file, 'utf8');
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const object = JSON.parse(line) as Record<string, BoundValue>;
          return columns.map((name) => object[name] ?? null);
        });
    },
    shouldCompact(snapshot) {
      if (snapshot.parts.length > SEGMENT_STORE_DEFAULTS.maxParts) return true;
      if (snapshot.segments.length === 0) return false;
      const oldest = snapshot.segments[0]?.createdMs ?? now();
      return snapshot.segments.length >= compactSegments || now() - oldest >= compactAgeMs;
    },
    async compact(id, writeParquet) {
      const release = await lock(id);
      if (release === undefined) return false;
      try {
        const state = await readState(id);
        const covered = new Set(state.covered);
        const present = await listSegments(id);
        const waiting = present.filter((segment) => !covered.has(segment.name));
        const mergeParts = state.parts.length >= SEGMENT_STORE_DEFAULTS.maxParts;
        const at = now();
        const keptParts = mergeParts ? [] : state.parts;
        const inputsParts = mergeParts ? state.parts : [];
        const obsolete = [
          ...state.obsolete,
          ...inputsParts.map((part) => ({ name: part.name, sinceMs: at })),
          ...waiting.map((segment) => ({ name: segment.name, sinceMs: at })),
        ];
        if (waiting.length > 0 || inputsParts.length > 0) {
          const name = `part-${String(at).padStart(13, '0')}-${randomBytes(4).toString('hex')}.parquet`;
          const target = path.join(dirOf(id), name);
          const temporary = temporaryPath(target);
          try {
            await writeParquet(
              {
                parts: inputsParts.map((part) => path.join(dirOf(id), part.name)),
                segments: waiting.map((segment) => segment.file),
              },
              temporary,
            );
            await rename(temporary, target);
          } catch (error) {
            await rm(temporary, { force: true });
            throw error;
          }
          const rows =
            inputsParts.reduce((sum, part) => sum + part.rows, 0) +
            waiting.reduce((sum, s) => sum + s.rows, 0);
          state.parts = [...keptParts, { name, rows, createdMs: at }];
        }
        // Covered names only matter while their files exist: a deleted name never comes back.
        const onDisk = new Set(present.map((segment) => segment.name));
        state.covered = [
          ...new Set([...state.covered, ...waiting.map((segment) => segment.name)]),
        ].filter((name) => onDisk.has(name));
        const expired = obsolete.filter((entry) => at - entry.sinceMs >= graceMs);
        state.obsolete = obsolete.filter((entry) => at - entry.sinceMs < graceMs);
        // Committed before any file is removed: the state never names a part that is gone.
        await writeFileAtomic(path.join(dirOf(id), 'state.json'), JSON.stringify(state));
        await Promise.all(
          expired.map((entry) => rm(path.join(dirOf(id), entry.name), { force: true })),
        );
        return true;
      } finally {
        await release();
      }
    },
    async sweep(id) {
      let names: string[];
      try {
        names = await readdir(dirOf(id));
      } catch {
        return 0;
      }
      const leftovers = names.filter((name) => {
        const match = /^\.tmp-(\d+)-/.exec(name);
        return (
          match !== null && Number(match[1]) !== process.pid && !isProcessAlive(Number(match[1]))
        );
      });
      await Promise.all(leftovers.map((name) => rm(path.join(dirOf(id), name), { force: true })));
      return leftovers.length;
    },
  };
  return store;
}
