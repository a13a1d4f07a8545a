/**
 * How many workers `DASHPORT_WORKERS=auto` starts: one per available CPU, but no more than fit
 * in the memory warning threshold at DASHPORT_WORKER_MEMORY_MB each, and at least one.
 */
import type { CpuCount } from './cpu-count.js';
import type { MemoryLimit } from '../resilience/memory-limit.js';

const BYTES_PER_MB = 1024 * 1024;

export interface WorkerSizingInputs {
  readonly requested: number | 'auto';
  readonly cpu: CpuCount;
  readonly memory: MemoryLimit;
  readonly workerMemoryMb: number;
  readonly memoryWarnPercent: number;
}

export interface WorkerSizing {
  readonly count: number;
  /** One sentence for the start-up log: the numbers and the rule that chose the count. */
  readonly reason: string;
  /** Set when an explicit count does not fit the memory budget. */
  readonly warning?: string;
}

function mb(bytes: number): string {
  return `${Math.floor(bytes / BYTES_PER_MB)} MB`;
}

export function chooseWorkerCount(inputs: WorkerSizingInputs): WorkerSizing {
  const budgetBytes = (inputs.memory.bytes * inputs.memoryWarnPercent) / 100;
  const perWorkerBytes = inputs.workerMemoryMb * BYTES_PER_MB;
  const byMemory = Math.floor(budgetBytes / perWorkerBytes);
  const memoryText = `${byMemory} fit in ${inputs.memoryWarnPercent}% of ${mb(inputs.memory.bytes)} (${inputs.memory.source}) at ${inputs.workerMemoryMb} MB each`;
  const cpuText = `${inputs.cpu.cpus} CPU${inputs.cpu.cpus === 1 ? '' : 's'} available (${inputs.cpu.source})`;

  if (inputs.requested !== 'auto') {
    const count = inputs.requested;
    return {
      count,
      reason: `DASHPORT_WORKERS=${count}`,
      ...(count > Math.max(1, byMemory)
        ? { warning: `DASHPORT_WORKERS=${count} exceeds the memory budget: only ${memoryText}` }
        : {}),
    };
  }
  const count = Math.max(1, Math.min(inputs.cpu.cpus, byMemory));
  const rule =
    byMemory < inputs.cpu.cpus
      ? count === 1 && byMemory < 1
        ? 'at least one worker'
        : 'capped by memory'
      : 'one per CPU';
  return { count, reason: `auto: ${cpuText}; ${memoryText}; ${rule} → ${count}` };
}
