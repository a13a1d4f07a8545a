/**
 * Reads the memory limit the kernel enforces on this process: cgroup v2 `memory.max`, else
 * cgroup v1 `memory.limit_in_bytes`. File access is injected so the parsing is tested with fakes.
 */

/** Reads a text file; undefined when it is absent or unreadable. */
export type ReadText = (file: string) => Promise<string | undefined>;

/** Where the cgroup file systems are mounted on every distribution we know of. */
export const CGROUP_ROOT = '/sys/fs/cgroup';

/** cgroup v1 reports "no limit" as a huge page-aligned number (2^63 rounded down). */
const V1_UNLIMITED_BYTES = 2 ** 60;

export interface ProcCgroup {
  /** The cgroup v2 path (`0::/path`), when the unified hierarchy is present. */
  readonly unified: string | undefined;
  /** cgroup v1 controller → path, e.g. `memory` → `/docker/abc`. */
  readonly controllers: ReadonlyMap<string, string>;
}

/** Parse `/proc/self/cgroup` (`hierarchy-id:controller-list:path` per line). */
export function parseProcCgroup(text: string): ProcCgroup {
  let unified: string | undefined;
  const controllers = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, id, list = '', cgroupPath = '/'] = match;
    if (id === '0' && list === '') {
      unified = cgroupPath;
      continue;
    }
    for (const controller of list.split(',')) {
      if (controller !== '') controllers.set(controller, cgroupPath);
    }
  }
  return { unified, controllers };
}

/**
 * The directories to look in, deepest first: the process's own cgroup, then each ancestor up
 * to the mount root. Without a cgroup namespace the path names the host's hierarchy while the
 * container sees its own cgroup at the mount root, so the walk finds the limit either way.
 */
export function cgroupDirectories(mountRoot: string, cgroupPath: string): string[] {
  const parts = cgroupPath.split('/').filter((part) => part !== '');
  const dirs: string[] = [];
  for (let depth = parts.length; depth >= 0; depth -= 1) {
    dirs.push([mountRoot, ...parts.slice(0, depth)].join('/'));
  }
  return dirs;
}

/** A positive byte count from a cgroup file, or undefined for "max", unlimited or garbage. */
function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = text.trim();
  if (!/^\d+$/.test(value)) return undefined;
  const bytes = Number(value);
  return bytes > 0 && bytes < V1_UNLIMITED_BYTES ? bytes : undefined;
}

async function smallestLimit(
  read: ReadText,
  files: readonly string[],
): Promise<number | undefined> {
  const values = await Promise.all(files.map(async (file) => parseLimit(await read(file))));
  const limits = values.filter((value): value is number => value !== undefined);
  return limits.length === 0 ? undefined : Math.min(...limits);
}

export interface CgroupMemoryLimit {
  readonly bytes: number;
  readonly source: 'cgroup-v2' | 'cgroup-v1';
}

/** The tightest memory limit among this process's cgroup and its ancestors, if any is set. */
export async function readCgroupMemoryLimit(
  read: ReadText,
  mountRoot: string = CGROUP_ROOT,
): Promise<CgroupMemoryLimit | undefined> {
  const proc = parseProcCgroup((await read('/proc/self/cgroup')) ?? '');
  const v2 = await smallestLimit(
    read,
    cgroupDirectories(mountRoot, proc.unified ?? '/').map((dir) => `${dir}/memory.max`),
  );
  if (v2 !== undefined) return { bytes: v2, source: 'cgroup-v2' };
  const v1Path = proc.controllers.get('memory') ?? '/';
  const v1 = await smallestLimit(
    read,
    cgroupDirectories(`${mountRoot}/memory`, v1Path).map((dir) => `${dir}/memory.limit_in_bytes`),
  );
  if (v1 !== undefined) return { bytes: v1, source: 'cgroup-v1' };
  return undefined;
}
