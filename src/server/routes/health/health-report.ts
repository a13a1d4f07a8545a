/**
 * The /health document and its status rules (SPEC §5), from check results gathered elsewhere.
 * Pure: no I/O and no clock, so every rule is tested directly.
 *
 * - unhealthy (503): the data dir is unreadable, or a configured database is down while
 *   datasets live in it;
 * - starting (503, with progress 0..1): the first cache build is running and some dataset has
 *   never been built;
 * - degraded (200): an optional dependency is down and a fallback serves (Redis breaker open),
 *   caches are cold or a dataset is broken, memory is past the warning threshold, a worker is
 *   missing, or a security header is not enforced;
 * - healthy (200) otherwise.
 */
import type { Config } from '../../../config/config.js';
import type { DatasetState } from '../../../shared/api-types.js';
import type { MemorySnapshot } from '../../../resilience/memory-status.js';
import type { DependencyCheck, SecurityPosture } from '../../../observability/operations.js';

export type CheckStatus = 'healthy' | 'degraded' | 'unhealthy';
export type HealthStatus = 'starting' | 'healthy' | 'degraded' | 'unhealthy';

/** What /health needs to know about one dataset. */
export interface DatasetFacts {
  readonly id: string;
  readonly state: DatasetState;
  readonly built: boolean;
  readonly sizeBytes: number;
  readonly stale: boolean;
  readonly kind: string;
  readonly failure?: { readonly message: string; readonly file?: string; readonly line?: number };
}

/** A probe's outcome with its latency. */
export interface Timed<T> {
  readonly latencyMs: number;
  readonly value?: T;
  readonly error?: string;
}

/** SPEC §9: the auth mode, and in production a plain warning when every dataset is public. */
function authCheck(
  modes: readonly string[] | undefined,
  production: boolean,
): { auth_mode?: string; all_data_public?: boolean; warning?: string } {
  if (modes === undefined) return {};
  const off = modes.length === 0;
  return {
    auth_mode: off ? 'none' : modes.join(','),
    all_data_public: off,
    ...(off && production
      ? { warning: 'DASHPORT_AUTH=none: every dataset and dashboard is public' }
      : {}),
  };
}

export interface HealthInputs {
  readonly config: Pick<
    Config,
    | 'version'
    | 'env'
    | 'isProduction'
    | 'dataDir'
    | 'usingBundledExamples'
    | 'databaseUrl'
    | 'redisUrl'
  >;
  readonly timestamp: string;
  readonly uptimeSeconds: number;
  readonly data: Timed<true>;
  readonly datasets: readonly DatasetFacts[];
  readonly cacheLatencyMs: number;
  readonly building: boolean;
  /** 0..1, the larger of the builder's byte-weighted progress and the datasets settled. */
  readonly progress: number;
  readonly memory: MemorySnapshot;
  readonly workers: { readonly alive: number; readonly expected: number };
  readonly security: SecurityPosture;
  /** Present when DATABASE_URL is set. */
  readonly database?: Timed<true>;
  /** Present when REDIS_URL is set and a probe is wired. */
  readonly redis?: Timed<DependencyCheck>;
}

export interface HealthReport {
  readonly status: HealthStatus;
  readonly progress?: number;
  readonly timestamp: string;
  readonly version: string;
  readonly service: 'dashport';
  readonly environment: string;
  readonly uptime_seconds: number;
  readonly checks: Record<
    string,
    { readonly status: CheckStatus; readonly [field: string]: unknown }
  >;
  readonly summary: {
    readonly total_checks: number;
    readonly passed: number;
    readonly failed: number;
  };
}

function ms(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function worst(statuses: readonly CheckStatus[]): CheckStatus {
  if (statuses.includes('unhealthy')) return 'unhealthy';
  if (statuses.includes('degraded')) return 'degraded';
  return 'healthy';
}

/** The HTTP status /health and /health/quick answer with. */
export function httpStatusOf(status: HealthStatus): 200 | 503 {
  return status === 'starting' || status === 'unhealthy' ? 503 : 200;
}

export function buildHealthReport(inputs: HealthInputs): HealthReport {
  const { config } = inputs;
  const broken = inputs.datasets.filter(
    (d) => d.state === 'broken' || (d.failure !== undefined && !d.built),
  );
  const warm = inputs.datasets.every(
    (d) => (d.state === 'ready' && !d.stale) || d.state === 'broken',
  );
  const neverBuilt = inputs.datasets.some((d) => !d.built && d.state !== 'broken');

  const checks: Record<string, { status: CheckStatus; [field: string]: unknown }> = {};

  checks.data = {
    status:
      inputs.data.error !== undefined ? 'unhealthy' : broken.length > 0 ? 'degraded' : 'healthy',
    path: config.usingBundledExamples ? 'bundled examples' : config.dataDir,
    readable: inputs.data.error === undefined,
    ...(inputs.data.error === undefined ? {} : { error: inputs.data.error }),
    datasets: inputs.datasets.length,
    failed: broken.map((d) => ({
      id: d.id,
      error: d.failure?.message ?? 'unreadable',
      ...(d.failure?.file === undefined ? {} : { file: d.failure.file }),
      ...(d.failure?.line === undefined ? {} : { line: d.failure.line }),
    })),
    response_time_ms: ms(inputs.data.latencyMs),
  };

  checks.cache = {
    status: warm ? 'healthy' : 'degraded',
    datasets: Object.fromEntries(
      inputs.datasets.map((d) => [
        d.id,
        {
          exists: d.built,
          size_bytes: d.sizeBytes,
          fresh: d.state === 'ready' && !d.stale,
          state: d.state,
        },
      ]),
    ),
    all_caches_warm: warm,
    response_time_ms: ms(inputs.cacheLatencyMs),
  };

  if (config.databaseUrl !== undefined && inputs.database !== undefined) {
    const dependents = inputs.datasets.filter((d) => d.kind === 'postgres').length;
    const down = inputs.database.error !== undefined;
    checks.database = {
      status: !down ? 'healthy' : dependents > 0 ? 'unhealthy' : 'degraded',
      response_time_ms: ms(inputs.database.latencyMs),
      datasets: dependents,
      ...(down ? { error: inputs.database.error } : {}),
    };
  }

  if (config.redisUrl !== undefined && inputs.redis !== undefined) {
    const probe = inputs.redis.value;
    checks.redis = {
      // Redis is optional: while it is down the in-process fallbacks serve, so at worst degraded.
      circuit_breaker_state: 'unknown',
      ...probe,
      status: probe === undefined || probe.status !== 'healthy' ? 'degraded' : 'healthy',
      response_time_ms: ms(inputs.redis.latencyMs),
      ...(inputs.redis.error === undefined ? {} : { error: inputs.redis.error }),
    };
  }

  checks.memory = {
    status: inputs.memory.level === 'ok' ? 'healthy' : 'degraded',
    level: inputs.memory.level,
    memory_usage_percent: inputs.memory.percent,
    rss_bytes: inputs.memory.rssBytes,
    limit_bytes: inputs.memory.limitBytes,
    response_time_ms: 0,
  };

  checks.workers = {
    status: inputs.workers.alive >= inputs.workers.expected ? 'healthy' : 'degraded',
    alive: inputs.workers.alive,
    expected: inputs.workers.expected,
    response_time_ms: 0,
  };

  const securityOk =
    inputs.security.cspEnabled && (inputs.security.hstsEnabled || !config.isProduction);
  checks.security = {
    status: securityOk ? 'healthy' : 'degraded',
    csp_enabled: inputs.security.cspEnabled,
    hsts_enabled: inputs.security.hstsEnabled,
    ...authCheck(inputs.security.authModes, config.isProduction),
    response_time_ms: 0,
  };

  const statuses = Object.values(checks).map((check) => check.status);
  const overall = worst(statuses);
  let status: HealthStatus = overall;
  if (overall !== 'unhealthy' && inputs.building && neverBuilt) status = 'starting';
  const passed = statuses.filter((s) => s === 'healthy').length;

  return {
    status,
    ...(status === 'starting'
      ? { progress: Math.round(Math.min(1, Math.max(0, inputs.progress)) * 1000) / 1000 }
      : {}),
    timestamp: inputs.timestamp,
    version: config.version,
    service: 'dashport',
    environment: config.env,
    uptime_seconds: inputs.uptimeSeconds,
    checks,
    summary: { total_checks: statuses.length, passed, failed: statuses.length - passed },
  };
}
