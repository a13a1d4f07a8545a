import { describe, expect, it } from 'vitest';
import { chooseWorkerCount } from './sizing.js';

const MB = 1024 * 1024;

describe('chooseWorkerCount', () => {
  it('starts one worker per CPU when memory allows', () => {
    const sizing = chooseWorkerCount({
      requested: 'auto',
      cpu: { cpus: 4, source: 'affinity' },
      memory: { bytes: 16_384 * MB, source: 'total-ram' },
      workerMemoryMb: 256,
      memoryWarnPercent: 75,
    });
    expect(sizing.count).toBe(4);
    expect(sizing.reason).toContain('one per CPU');
  });

  it('caps the count by the memory budget under the warning threshold', () => {
    // 75% of 1024 MB = 768 MB → 3 workers of 256 MB.
    const sizing = chooseWorkerCount({
      requested: 'auto',
      cpu: { cpus: 8, source: 'affinity' },
      memory: { bytes: 1024 * MB, source: 'cgroup-v2' },
      workerMemoryMb: 256,
      memoryWarnPercent: 75,
    });
    expect(sizing.count).toBe(3);
    expect(sizing.reason).toContain('capped by memory');
    expect(sizing.reason).toContain('cgroup-v2');
  });

  it('keeps at least one worker', () => {
    const sizing = chooseWorkerCount({
      requested: 'auto',
      cpu: { cpus: 2, source: 'affinity' },
      memory: { bytes: 128 * MB, source: 'MEMORY_LIMIT_MB' },
      workerMemoryMb: 256,
      memoryWarnPercent: 75,
    });
    expect(sizing.count).toBe(1);
    expect(sizing.reason).toContain('at least one worker');
  });

  it('honours an explicit count and warns when it does not fit', () => {
    const sizing = chooseWorkerCount({
      requested: 6,
      cpu: { cpus: 2, source: 'affinity' },
      memory: { bytes: 1024 * MB, source: 'total-ram' },
      workerMemoryMb: 256,
      memoryWarnPercent: 75,
    });
    expect(sizing.count).toBe(6);
    expect(sizing.reason).toBe('DASHPORT_WORKERS=6');
    expect(sizing.warning).toContain('exceeds the memory budget');
  });
});
