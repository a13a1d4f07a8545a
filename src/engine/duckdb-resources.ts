/**
 * DuckDB's `threads` and `memory_limit` for one serving process, from the machine (CPUs and
 * memory budget, both cgroup-aware) and how many serving processes share it. Every worker has
 * its own DuckDB; left to itself each would take every CPU and 80% of the RAM, so two workers
 * would run 2× the cores in threads and could together ask for 160% of the memory. Here the
 * shares add up: threads sum to at most the CPUs (one each when there are more workers than
 * CPUs), and the memory limits sum to at most the warning threshold of the server's budget.
 */

/** Below this DuckDB cannot run an aggregate over a wide table without spilling everything. */
export const MIN_DUCKDB_MEMORY_MB = 64;

export interface DuckDbResourceInputs {
  /** CPUs this server may use (cgroup quota or affinity). */
  readonly cpus: number;
  /** Serving processes (workers) sharing the machine, each with its own DuckDB. */
  readonly processes: number;
  /** The server's memory budget: MEMORY_LIMIT_MB, the cgroup limit or total RAM. */
  readonly memoryLimitBytes: number;
  /** DASHPORT_WORKER_MEMORY_MB: what one worker may use at most, DuckDB buffers included. */
  readonly workerMemoryMb: number;
  /** DASHPORT_MEMORY_WARN: the share of the budget all workers together stay under. */
  readonly memoryWarnPercent: number;
}

export interface DuckDbResources {
  readonly threads: number;
  readonly memoryLimitMb: number;
  /** One sentence for the start-up log. */
  readonly reason: string;
}

export function deriveDuckDbResources(inputs: DuckDbResourceInputs): DuckDbResources {
  const cpus = Math.max(1, Math.floor(inputs.cpus));
  const processes = Math.max(1, Math.floor(inputs.processes));
  const threads = Math.max(1, Math.floor(cpus / processes));
  const budgetMb = inputs.memoryLimitBytes / 1024 / 1024;
  const shareMb = Math.floor((budgetMb * inputs.memoryWarnPercent) / 100 / processes);
  const memoryLimitMb = Math.max(
    MIN_DUCKDB_MEMORY_MB,
    Math.min(Math.floor(inputs.workerMemoryMb), shareMb),
  );
  const reason =
    `DuckDB per worker: ${threads} thread${threads === 1 ? '' : 's'} (${cpus} CPUs / ${processes} worker${processes === 1 ? '' : 's'}), ` +
    `memory_limit ${memoryLimitMb} MB (the smaller of DASHPORT_WORKER_MEMORY_MB=${inputs.workerMemoryMb} and ` +
    `${inputs.memoryWarnPercent}% of ${Math.floor(budgetMb)} MB / ${processes}, at least ${MIN_DUCKDB_MEMORY_MB})`;
  return { threads, memoryLimitMb, reason };
}
