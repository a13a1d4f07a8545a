/**
 * The memory budget of the whole server: `MEMORY_LIMIT_MB` when set, else the cgroup limit
 * (a container's), else the machine's RAM. A budget above what the kernel enforces is
 * meaningless, so a configured value larger than the cgroup limit or RAM is capped to it.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { type CgroupMemoryLimit, type ReadText, readCgroupMemoryLimit } from './memory-cgroup.js';

const BYTES_PER_MB = 1024 * 1024;

export type MemoryLimitSource = 'MEMORY_LIMIT_MB' | 'cgroup-v2' | 'cgroup-v1' | 'total-ram';

export interface MemoryLimit {
  readonly bytes: number;
  readonly source: MemoryLimitSource;
  /** Why the configured value was not used as is, for the start-up log. */
  readonly note?: string;
}

export interface MemoryLimitInputs {
  readonly configuredMb: number | undefined;
  readonly cgroup: CgroupMemoryLimit | undefined;
  readonly totalBytes: number;
}

/** Pure decision between the configured value, the cgroup limit and total RAM. */
export function resolveMemoryLimit(inputs: MemoryLimitInputs): MemoryLimit {
  const hard: MemoryLimit =
    inputs.cgroup !== undefined && inputs.cgroup.bytes < inputs.totalBytes
      ? { bytes: inputs.cgroup.bytes, source: inputs.cgroup.source }
      : { bytes: inputs.totalBytes, source: 'total-ram' };
  if (inputs.configuredMb === undefined) return hard;
  const configured = inputs.configuredMb * BYTES_PER_MB;
  if (configured <= hard.bytes) return { bytes: configured, source: 'MEMORY_LIMIT_MB' };
  return {
    ...hard,
    note: `MEMORY_LIMIT_MB=${inputs.configuredMb} is above the ${hard.source} limit of ${Math.floor(hard.bytes / BYTES_PER_MB)} MB; using that limit`,
  };
}

export interface MemoryLimitReaders {
  readonly read: ReadText;
  readonly totalBytes: () => number;
}

async function readTextOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Readers over the real file system and `os.totalmem()`. */
export const SYSTEM_MEMORY_READERS: MemoryLimitReaders = {
  read: readTextOrUndefined,
  totalBytes: () => os.totalmem(),
};

/** Detect the budget for this process tree. */
export async function detectMemoryLimit(
  configuredMb: number | undefined,
  readers: MemoryLimitReaders = SYSTEM_MEMORY_READERS,
): Promise<MemoryLimit> {
  const cgroup = await readCgroupMemoryLimit(readers.read);
  return resolveMemoryLimit({ configuredMb, cgroup, totalBytes: readers.totalBytes() });
}
