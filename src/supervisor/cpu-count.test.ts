import { describe, expect, it } from 'vitest';
import { detectCpuCount, readCgroupCpuQuota, resolveCpuCount } from './cpu-count.js';

function fakeFs(files: Record<string, string>) {
  return async (file: string) => files[file];
}

describe('readCgroupCpuQuota', () => {
  it('reads cgroup v2 cpu.max', async () => {
    const read = fakeFs({
      '/proc/self/cgroup': '0::/\n',
      '/sys/fs/cgroup/cpu.max': '150000 100000\n',
    });
    expect(await readCgroupCpuQuota(read)).toEqual({ cpus: 1.5, source: 'cgroup-v2' });
  });

  it('treats "max" as no quota', async () => {
    const read = fakeFs({
      '/proc/self/cgroup': '0::/\n',
      '/sys/fs/cgroup/cpu.max': 'max 100000\n',
    });
    expect(await readCgroupCpuQuota(read)).toBeUndefined();
  });

  it('reads cgroup v1 cfs quota and period, and ignores -1', async () => {
    const read = fakeFs({
      '/proc/self/cgroup': '3:cpu,cpuacct:/docker/x\n',
      '/sys/fs/cgroup/cpu,cpuacct/docker/x/cpu.cfs_quota_us': '200000',
      '/sys/fs/cgroup/cpu,cpuacct/docker/x/cpu.cfs_period_us': '100000',
    });
    expect(await readCgroupCpuQuota(read)).toEqual({ cpus: 2, source: 'cgroup-v1' });
    const unlimited = fakeFs({
      '/proc/self/cgroup': '3:cpu:/\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000',
    });
    expect(await readCgroupCpuQuota(unlimited)).toBeUndefined();
  });
});

describe('resolveCpuCount', () => {
  it('rounds a fractional quota up and never exceeds the affinity', () => {
    expect(resolveCpuCount(8, { cpus: 1.5, source: 'cgroup-v2' })).toEqual({
      cpus: 2,
      source: 'cgroup-v2',
    });
    expect(resolveCpuCount(2, { cpus: 16, source: 'cgroup-v1' })).toEqual({
      cpus: 2,
      source: 'affinity',
    });
    expect(resolveCpuCount(4, undefined)).toEqual({ cpus: 4, source: 'affinity' });
    expect(resolveCpuCount(4, { cpus: 0.25, source: 'cgroup-v2' })).toEqual({
      cpus: 1,
      source: 'cgroup-v2',
    });
  });

  it('detects through injected readers', async () => {
    const read = fakeFs({
      '/proc/self/cgroup': '0::/\n',
      '/sys/fs/cgroup/cpu.max': '100000 100000',
    });
    expect(await detectCpuCount(read, 4)).toEqual({ cpus: 1, source: 'cgroup-v2' });
  });
});
