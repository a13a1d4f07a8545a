import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_DUCKDB_MEMORY_MB, deriveDuckDbResources } from './duckdb-resources.js';

const GB = 1024 ** 3;
const base = {
  cpus: 2,
  processes: 2,
  memoryLimitBytes: 24 * GB,
  workerMemoryMb: 256,
  memoryWarnPercent: 75,
};

describe('deriveDuckDbResources', () => {
  it('gives two workers on two CPUs one thread each', () => {
    expect(deriveDuckDbResources(base)).toMatchObject({ threads: 1, memoryLimitMb: 256 });
  });

  it('gives one worker every CPU', () => {
    expect(deriveDuckDbResources({ ...base, cpus: 8, processes: 1 }).threads).toBe(8);
  });

  it('gives each worker at least one thread when workers outnumber CPUs', () => {
    expect(deriveDuckDbResources({ ...base, cpus: 2, processes: 5 }).threads).toBe(1);
  });

  it('caps memory by MEMORY_LIMIT_MB shared among the workers', () => {
    // 512 MB × 75% / 2 = 192 MB each, below the 256 MB worker budget.
    const derived = deriveDuckDbResources({ ...base, memoryLimitBytes: 512 * 1024 * 1024 });
    expect(derived.memoryLimitMb).toBe(192);
    expect(derived.reason).toContain('memory_limit 192 MB');
  });

  it('never goes below the floor', () => {
    const derived = deriveDuckDbResources({ ...base, memoryLimitBytes: 64 * 1024 * 1024 });
    expect(derived.memoryLimitMb).toBe(MIN_DUCKDB_MEMORY_MB);
  });

  it('never oversubscribes: threads sum to the CPUs, memory to the warning share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 128 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 256, max: 1_048_576 }),
        fc.integer({ min: 32, max: 65_536 }),
        fc.integer({ min: 10, max: 95 }),
        (cpus, processes, budgetMb, workerMemoryMb, warn) => {
          const derived = deriveDuckDbResources({
            cpus,
            processes,
            memoryLimitBytes: budgetMb * 1024 * 1024,
            workerMemoryMb,
            memoryWarnPercent: warn,
          });
          expect(derived.threads).toBeGreaterThanOrEqual(1);
          if (processes <= cpus) expect(derived.threads * processes).toBeLessThanOrEqual(cpus);
          expect(derived.memoryLimitMb).toBeLessThanOrEqual(
            Math.max(MIN_DUCKDB_MEMORY_MB, workerMemoryMb),
          );
          if (derived.memoryLimitMb > MIN_DUCKDB_MEMORY_MB)
            expect(derived.memoryLimitMb * processes).toBeLessThanOrEqual(
              (budgetMb * warn) / 100 + 1e-6,
            );
        },
      ),
    );
  });
});
