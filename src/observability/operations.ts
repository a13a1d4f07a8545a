/**
 * What the operations endpoints and the HTTP edge share in one serving process: the metric
 * families, how to render a scrape, the view of the whole server (workers, memory) and the
 * probes of optional dependencies. Under the supervisor the worker runtime provides the
 * server view and a scrape that spans every worker; alone (`dashport dev`, tests) this process
 * is the whole server.
 */
import type { MemoryLimit } from '../resilience/memory-limit.js';
import {
  type MemorySnapshot,
  type MemoryThresholds,
  assessMemory,
} from '../resilience/memory-status.js';
import { type MetricsCollector, createLocalMetricsCollector } from './cluster-metrics.js';
import { type DashportMetrics, createMetrics } from './metrics.js';

/** The server as a whole, as /health reports it. */
export interface ServerView {
  workers(): { readonly alive: number; readonly expected: number };
  memory(): MemorySnapshot;
  /** When the server (the supervisor, not this worker) started, in epoch milliseconds. */
  startedAt(): number;
}

/** A dependency check's result; extra fields are shown in /health as they are. */
export interface DependencyCheck {
  readonly status: 'healthy' | 'degraded' | 'unhealthy';
  readonly [field: string]: unknown;
}

/**
 * Probes of optional dependencies, set by whoever owns them. A probe must not throw; /health
 * bounds each with a timeout and adds its latency.
 */
export interface DependencyProbes {
  /** PostgreSQL: `SELECT 1` through the pool; rejects when unreachable. */
  database?: () => Promise<void>;
  /** Redis: PING through the circuit breaker, e.g. `redisClient.health()`. */
  redis?: () => Promise<DependencyCheck & { readonly circuit_breaker_state: string }>;
}

/** What the security-headers plugin actually applies, for the /health security check. */
export interface SecurityPosture {
  cspEnabled: boolean;
  hstsEnabled: boolean;
  /** DASHPORT_AUTH as the app applies it; empty: access control off (everything public). */
  authModes?: readonly string[];
}

export interface Operations {
  readonly metrics: DashportMetrics;
  readonly collector: MetricsCollector;
  readonly server: ServerView;
  readonly probes: DependencyProbes;
  readonly security: SecurityPosture;
  /** True while this process drains: responses carry `Connection: close` so clients move on. */
  closingConnections: boolean;
  /** Responses this process has sent, for recycling after DASHPORT_MAX_REQUESTS. */
  requestsServed: number;
  /** Run `listener` when this process starts draining (e.g. tell SSE clients to reconnect). */
  onDrain(listener: () => void): void;
  /** Begin draining: answers close their connections and the drain listeners run, once. */
  startDrain(): void;
}

export interface SingleProcessOptions {
  readonly version: string;
  readonly memoryLimit: MemoryLimit;
  readonly thresholds: MemoryThresholds;
  readonly probes?: DependencyProbes;
  /** Reads this process's resident memory; injected in tests. */
  readonly rss?: () => number;
}

/** One process that is the whole server: `dashport dev`, or an app built for a test. */
export function createSingleProcessOperations(options: SingleProcessOptions): Operations {
  const metrics = createMetrics({ role: 'single', version: options.version });
  const rss = options.rss ?? (() => process.memoryUsage.rss());
  metrics.workersAlive.set(1);
  metrics.workersExpected.set(1);
  metrics.memoryLimitBytes.set(options.memoryLimit.bytes);
  const startedAt = Date.now() - process.uptime() * 1000;
  const server: ServerView = {
    workers: () => ({ alive: 1, expected: 1 }),
    startedAt: () => startedAt,
    memory: () => {
      const snapshot = assessMemory(rss(), options.memoryLimit.bytes, options.thresholds);
      metrics.memoryUsageBytes.set(snapshot.rssBytes);
      return snapshot;
    },
  };
  return createOperations({
    metrics,
    collector: createLocalMetricsCollector(metrics),
    server,
    probes: options.probes ?? {},
  });
}

/** Assemble the operations of a process from its parts (the worker runtime uses this). */
export function createOperations(parts: {
  readonly metrics: DashportMetrics;
  readonly collector: MetricsCollector;
  readonly server: ServerView;
  readonly probes: DependencyProbes;
}): Operations {
  const listeners: (() => void)[] = [];
  let drained = false;
  const operations: Operations = {
    ...parts,
    security: { cspEnabled: false, hstsEnabled: false },
    closingConnections: false,
    requestsServed: 0,
    onDrain(listener) {
      if (drained) listener();
      else listeners.push(listener);
    },
    startDrain() {
      operations.closingConnections = true;
      if (drained) return;
      drained = true;
      for (const listener of listeners.splice(0)) listener();
    },
  };
  return operations;
}
