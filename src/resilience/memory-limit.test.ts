import { describe, expect, it } from 'vitest';
import { detectMemoryLimit, resolveMemoryLimit } from './memory-limit.js';

const MB = 1024 * 1024;
const GB = 1024 * MB;

describe('resolveMemoryLimit', () => {
  it('uses total RAM when nothing else is known', () => {
    expect(
      resolveMemoryLimit({ configuredMb: undefined, cgroup: undefined, totalBytes: 8 * GB }),
    ).toEqual({
      bytes: 8 * GB,
      source: 'total-ram',
    });
  });

  it('prefers the cgroup limit over RAM', () => {
    const limit = resolveMemoryLimit({
      configuredMb: undefined,
      cgroup: { bytes: 512 * MB, source: 'cgroup-v2' },
      totalBytes: 8 * GB,
    });
    expect(limit).toEqual({ bytes: 512 * MB, source: 'cgroup-v2' });
  });

  it('uses MEMORY_LIMIT_MB when it fits under the hard limit', () => {
    const limit = resolveMemoryLimit({
      configuredMb: 300,
      cgroup: { bytes: 512 * MB, source: 'cgroup-v1' },
      totalBytes: 8 * GB,
    });
    expect(limit).toEqual({ bytes: 300 * MB, source: 'MEMORY_LIMIT_MB' });
  });

  it('caps MEMORY_LIMIT_MB to the cgroup limit and says why', () => {
    const limit = resolveMemoryLimit({
      configuredMb: 4096,
      cgroup: { bytes: 512 * MB, source: 'cgroup-v2' },
      totalBytes: 8 * GB,
    });
    expect(limit.bytes).toBe(512 * MB);
    expect(limit.source).toBe('cgroup-v2');
    expect(limit.note).toContain('MEMORY_LIMIT_MB=4096');
  });

  it('ignores a cgroup limit larger than RAM', () => {
    const limit = resolveMemoryLimit({
      configuredMb: undefined,
      cgroup: { bytes: 64 * GB, source: 'cgroup-v2' },
      totalBytes: 8 * GB,
    });
    expect(limit).toEqual({ bytes: 8 * GB, source: 'total-ram' });
  });
});

describe('detectMemoryLimit', () => {
  it('reads the cgroup through the injected readers', async () => {
    const files: Record<string, string> = {
      '/proc/self/cgroup': '0::/\n',
      '/sys/fs/cgroup/memory.max': String(256 * MB),
    };
    const limit = await detectMemoryLimit(undefined, {
      read: async (file) => files[file],
      totalBytes: () => 4 * GB,
    });
    expect(limit).toEqual({ bytes: 256 * MB, source: 'cgroup-v2' });
  });
});
