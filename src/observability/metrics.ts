/**
 * Every metric family Dashport exports, created once per process on its own registry (never
 * prom-client's global one, so tests and several apps in one process do not collide).
 * Workers record requests, caches and queries; the supervisor records restarts, cache builds,
 * worker counts and memory; `dashport dev` (one process) records all of them.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { trackGcExtremes } from './gc-extremes.js';
import { type RequestMetrics, createRequestMetrics } from './request-metrics.js';
import { type TrackedHistogram, createTrackedHistogram } from './tracked-histogram.js';

/** Request and query latencies: sub-millisecond cache hits up to the 120 s request timeout. */
export const LATENCY_BUCKETS_SECONDS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
] as const;

/** Cache builds: a small CSV in well under a second, a multi-GB source in tens of minutes. */
export const BUILD_BUCKETS_SECONDS = [
  0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
] as const;

/** prom-client's default gauges named `*_total` break the Prometheus naming rules promtool
 * checks (a `_total` suffix is for counters); their per-type siblings carry the same data. */
const NONCONFORMING_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** Circuit breaker states as gauge values; the cluster view takes the worst (max). */
export const BREAKER_STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

export type MetricsRole = 'worker' | 'primary' | 'single';

export interface DashportMetrics {
  readonly role: MetricsRole;
  /** The families exposed at /metrics. */
  readonly registry: Registry;
  /** Min/max companions of the histograms, used only by `?format=json`. */
  readonly extremes: Registry;
  /** Both request families (duration histogram and requests counter) in one record. */
  readonly httpRequestDuration: RequestMetrics;
  /** layer: `memory`, `redis`, `precomputed`, … — whichever cache answered or missed. */
  readonly cacheHits: Counter<'layer'>;
  readonly cacheMisses: Counter<'layer'>;
  readonly queryDuration: TrackedHistogram<'dataset'>;
  readonly rateLimited: Counter<'route'>;
  /** Requests answered in front of the router, by lane (`probe`, `answer`: src/server/lanes). */
  readonly laneAnswers: Counter<'lane'>;
  /** Sign-in attempts (`POST /auth/login`, HTTP Basic verifications) by method and outcome. */
  readonly signIns: Counter<'method' | 'outcome'>;
  /** Set with BREAKER_STATE_VALUE. */
  readonly circuitBreakerState: Gauge<'breaker'>;
  readonly workerRestarts: Counter<'reason'>;
  readonly cacheBuildSeconds: TrackedHistogram<'dataset' | 'status'>;
  readonly workersAlive: Gauge;
  readonly workersExpected: Gauge;
  readonly memoryUsageBytes: Gauge;
  readonly memoryLimitBytes: Gauge;
}

export interface MetricsOptions {
  readonly role: MetricsRole;
  readonly version: string;
  /** process_* and nodejs_* (event loop lag, GC, heap); off in unit tests that count series. */
  readonly defaultMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions): DashportMetrics {
  const registry = new Registry();
  const extremes = new Registry();
  const registers = [registry];

  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
    for (const name of NONCONFORMING_DEFAULT_METRICS) registry.removeSingleMetric(name);
    // Its min and max for the JSON view, which prom-client does not keep.
    trackGcExtremes(extremes);
  }

  new Gauge({
    name: 'dashport_info',
    help: 'Always 1; the version label says which Dashport is running.',
    labelNames: ['version'],
    registers,
    aggregator: 'max',
  }).set({ version: options.version }, 1);

  return {
    role: options.role,
    registry,
    extremes,
    httpRequestDuration: createRequestMetrics({
      durationName: 'dashport_http_request_duration_seconds',
      durationHelp: 'HTTP request duration by method, route pattern and status code.',
      totalName: 'dashport_http_requests_total',
      totalHelp: 'HTTP requests answered, by method, route pattern and status code.',
      buckets: LATENCY_BUCKETS_SECONDS,
      registry,
      extremes,
    }),
    cacheHits: new Counter({
      name: 'dashport_cache_hits_total',
      help: 'Cache lookups answered from the cache, by cache layer.',
      labelNames: ['layer'],
      registers,
    }),
    cacheMisses: new Counter({
      name: 'dashport_cache_misses_total',
      help: 'Cache lookups that missed, by cache layer.',
      labelNames: ['layer'],
      registers,
    }),
    queryDuration: createTrackedHistogram({
      name: 'dashport_query_duration_seconds',
      help: 'Time spent in the query engine, by dataset.',
      labelNames: ['dataset'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registry,
      extremes,
    }),
    rateLimited: new Counter({
      name: 'dashport_rate_limited_requests_total',
      help: 'Requests refused with 429 by the rate limiter, by route pattern.',
      labelNames: ['route'],
      registers,
    }),
    laneAnswers: new Counter({
      name: 'dashport_lane_answers_total',
      help: 'Requests answered in front of the router: probe (/health/quick) and answer (cached aggregates). Also counted in dashport_http_requests_total.',
      labelNames: ['lane'],
      registers,
    }),
    signIns: new Counter({
      name: 'dashport_sign_ins_total',
      help: 'Sign-in attempts by method (basic, form, oidc) and outcome (success, failure, limited).',
      labelNames: ['method', 'outcome'],
      registers,
    }),
    circuitBreakerState: new Gauge({
      name: 'dashport_circuit_breaker_state',
      help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open (worst across workers).',
      labelNames: ['breaker'],
      registers,
      aggregator: 'max',
    }),
    workerRestarts: new Counter({
      name: 'dashport_worker_restarts_total',
      help: 'Workers replaced by the supervisor, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    cacheBuildSeconds: createTrackedHistogram({
      name: 'dashport_cache_build_seconds',
      help: 'Time to build or verify one dataset cache entry, by dataset and outcome.',
      labelNames: ['dataset', 'status'],
      buckets: BUILD_BUCKETS_SECONDS,
      registry,
      extremes,
    }),
    workersAlive: new Gauge({
      name: 'dashport_workers_alive',
      help: 'Worker processes currently running.',
      registers: options.role === 'worker' ? [] : registers,
      aggregator: 'max',
    }),
    workersExpected: new Gauge({
      name: 'dashport_workers_expected',
      help: 'Worker processes the supervisor keeps running.',
      registers: options.role === 'worker' ? [] : registers,
      aggregator: 'max',
    }),
    memoryUsageBytes: new Gauge({
      name: 'dashport_memory_usage_bytes',
      help: 'Resident memory of the whole server (supervisor, workers and cache builder).',
      registers: options.role === 'worker' ? [] : registers,
      aggregator: 'max',
    }),
    memoryLimitBytes: new Gauge({
      name: 'dashport_memory_limit_bytes',
      help: 'Memory budget of the whole server (MEMORY_LIMIT_MB, the cgroup limit or total RAM).',
      registers: options.role === 'worker' ? [] : registers,
      aggregator: 'max',
    }),
  };
}
