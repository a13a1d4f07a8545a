/**
 * How many CPUs this process may use: the scheduler affinity (`os.availableParallelism()`),
 * lowered by a cgroup CPU quota (v2 `cpu.max`, v1 `cpu.cfs_quota_us`/`cpu.cfs_period_us`) —
 * a container given 1.5 CPUs on a 64-core host must not start 64 workers.
 */
import os from 'node:os';
import {
  CGROUP_ROOT,
  type ReadText,
  cgroupDirectories,
  parseProcCgroup,
} from '../resilience/memory-cgroup.js';
import { SYSTEM_MEMORY_READERS } from '../resilience/memory-limit.js';

export interface CpuCount {
  readonly cpus: number;
  readonly source: 'cgroup-v2' | 'cgroup-v1' | 'affinity';
}

/** Quota ÷ period in CPUs; undefined for "max", -1 or garbage. */
function quotaCpus(quota: string | undefined, period: string | undefined): number | undefined {
  if (quota === undefined || period === undefined) return undefined;
  const q = Number(quota.trim());
  const p = Number(period.trim());
  if (!Number.isFinite(q) || !Number.isFinite(p) || q <= 0 || p <= 0) return undefined;
  return q / p;
}

async function smallest(values: Promise<number | undefined>[]): Promise<number | undefined> {
  const found = (await Promise.all(values)).filter((v): v is number => v !== undefined);
  return found.length === 0 ? undefined : Math.min(...found);
}

/** The CPU quota of this process's cgroup (the tightest along its ancestors), in CPUs. */
export async function readCgroupCpuQuota(
  read: ReadText,
  mountRoot: string = CGROUP_ROOT,
): Promise<{ cpus: number; source: 'cgroup-v2' | 'cgroup-v1' } | undefined> {
  const proc = parseProcCgroup((await read('/proc/self/cgroup')) ?? '');
  const v2 = await smallest(
    cgroupDirectories(mountRoot, proc.unified ?? '/').map(async (dir) => {
      const text = await read(`${dir}/cpu.max`);
      const [quota, period] = (text ?? '').trim().split(/\s+/);
      return quotaCpus(quota, period);
    }),
  );
  if (v2 !== undefined) return { cpus: v2, source: 'cgroup-v2' };
  const v1Path = proc.controllers.get('cpu') ?? '/';
  const mounts = [`${mountRoot}/cpu`, `${mountRoot}/cpu,cpuacct`];
  const v1 = await smallest(
    mounts.flatMap((mount) =>
      cgroupDirectories(mount, v1Path).map(async (dir) =>
        quotaCpus(await read(`${dir}/cpu.cfs_quota_us`), await read(`${dir}/cpu.cfs_period_us`)),
      ),
    ),
  );
  if (v1 !== undefined) return { cpus: v1, source: 'cgroup-v1' };
  return undefined;
}

/** Whole CPUs available: a fractional quota rounds up, since a worker can use part of a CPU. */
export function resolveCpuCount(
  affinity: number,
  quota: { cpus: number; source: 'cgroup-v2' | 'cgroup-v1' } | undefined,
): CpuCount {
  const base = Math.max(1, affinity);
  if (quota === undefined) return { cpus: base, source: 'affinity' };
  const fromQuota = Math.max(1, Math.ceil(quota.cpus - 1e-9));
  return fromQuota < base
    ? { cpus: fromQuota, source: quota.source }
    : { cpus: base, source: 'affinity' };
}

export async function detectCpuCount(
  read: ReadText = SYSTEM_MEMORY_READERS.read,
  affinity: number = os.availableParallelism(),
): Promise<CpuCount> {
  return resolveCpuCount(affinity, await readCgroupCpuQuota(read));
}
