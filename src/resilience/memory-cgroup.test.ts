import { describe, expect, it } from 'vitest';
import { cgroupDirectories, parseProcCgroup, readCgroupMemoryLimit } from './memory-cgroup.js';

function fakeFs(files: Record<string, string>) {
  return async (file: string) => files[file];
}

describe('parseProcCgroup', () => {
  it('reads the unified path and v1 controllers', () => {
    const proc = parseProcCgroup(
      ['12:memory:/docker/abc', '4:cpu,cpuacct:/docker/abc', '0::/system.slice/x.service', ''].join(
        '\n',
      ),
    );
    expect(proc.unified).toBe('/system.slice/x.service');
    expect(proc.controllers.get('memory')).toBe('/docker/abc');
    expect(proc.controllers.get('cpuacct')).toBe('/docker/abc');
  });
});

describe('cgroupDirectories', () => {
  it('walks from the process cgroup up to the mount root', () => {
    expect(cgroupDirectories('/sys/fs/cgroup', '/a/b')).toEqual([
      '/sys/fs/cgroup/a/b',
      '/sys/fs/cgroup/a',
      '/sys/fs/cgroup',
    ]);
    expect(cgroupDirectories('/sys/fs/cgroup', '/')).toEqual(['/sys/fs/cgroup']);
  });
});

describe('readCgroupMemoryLimit', () => {
  it('reads cgroup v2 memory.max inside a container namespace', async () => {
    const read = fakeFs({
      '/proc/self/cgroup': '0::/\n',
      '/sys/fs/cgroup/memory.max': '536870912\n',
    });
    expect(await readCgroupMemoryLimit(read)).toEqual({ bytes: 536_870_912, source: 'cgroup-v2' });
  });

  it('takes the tightest limit along the v2 hierarchy and ignores "max"', async () => {
    const read = fakeFs({
      '/proc/self/cgroup': '0::/kubepods/pod1/ctr\n',
      '/sys/fs/cgroup/kubepods/pod1/ctr/memory.max': 'max\n',
      '/sys/fs/cgroup/kubepods/pod1/memory.max': '1073741824\n',
      '/sys/fs/cgroup/kubepods/memory.max': '8589934592\n',
    });
    expect(await readCgroupMemoryLimit(read)).toEqual({
      bytes: 1_073_741_824,
      source: 'cgroup-v2',
    });
  });

  it('falls back to cgroup v1 memory.limit_in_bytes', async () => {
    const read = fakeFs({
      '/proc/self/cgroup': '4:memory:/docker/abc\n0::/\n',
      '/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes': '268435456',
    });
    expect(await readCgroupMemoryLimit(read)).toEqual({ bytes: 268_435_456, source: 'cgroup-v1' });
  });

  it('treats the v1 "unlimited" sentinel and missing files as no limit', async () => {
    const read = fakeFs({
      '/proc/self/cgroup': '4:memory:/\n',
      '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712',
    });
    expect(await readCgroupMemoryLimit(read)).toBeUndefined();
    expect(await readCgroupMemoryLimit(fakeFs({}))).toBeUndefined();
  });
});
