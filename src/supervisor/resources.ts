/**
 * The machine as this server sees it — CPUs and memory, both cgroup-aware — and the worker
 * count they lead to. The supervisor and every worker compute it from the same config, so they
 * agree without passing it around (workers divide DuckDB threads by it).
 */
import type { Config } from '../config/config.js';
import { type MemoryLimit, detectMemoryLimit } from '../resilience/memory-limit.js';
import { type CpuCount, detectCpuCount } from './cpu-count.js';
import { type WorkerSizing, chooseWorkerCount } from './sizing.js';

export interface ServerResources {
  readonly cpu: CpuCount;
  readonly memory: MemoryLimit;
  readonly sizing: WorkerSizing;
}

export async function detectServerResources(
  config: Pick<Config, 'workers' | 'workerMemoryMb' | 'memoryWarnPercent' | 'memoryLimitMb'>,
): Promise<ServerResources> {
  const [cpu, memory] = await Promise.all([
    detectCpuCount(),
    detectMemoryLimit(config.memoryLimitMb),
  ]);
  const sizing = chooseWorkerCount({
    requested: config.workers,
    cpu,
    memory,
    workerMemoryMb: config.workerMemoryMb,
    memoryWarnPercent: config.memoryWarnPercent,
  });
  return { cpu, memory, sizing };
}
