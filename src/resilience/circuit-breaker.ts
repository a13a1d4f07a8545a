/**
 * A circuit breaker over opossum with the semantics Dashport documents: it opens after
 * `threshold` consecutive failures (opossum's own trigger is an error percentage over a rolling
 * window, which a long run of successes would dilute), lets one trial call through after
 * `resetMs` (half-open) and closes on that call's success. While open, calls fail at once with
 * a BreakerOpenError so callers switch to their in-process fallback without waiting.
 */
import CircuitBreakerImpl from 'opossum';

export type BreakerState = 'closed' | 'open' | 'half_open';

/** Defaults of the documented variables, and how long one call may take before it counts as failed. */
export const BREAKER_DEFAULTS = {
  threshold: 5,
  resetMs: 60_000,
  callTimeoutMs: 1_000,
} as const;

export interface CircuitBreakerOptions {
  readonly name: string;
  /** Consecutive failures that open the breaker. */
  readonly threshold?: number;
  /** How long the breaker stays open before one trial call is let through. */
  readonly resetMs?: number;
  /** A call still pending after this long counts as a failure. */
  readonly callTimeoutMs?: number;
}

/** What the breaker reports to health checks and metrics. */
export interface BreakerSnapshot {
  readonly name: string;
  readonly state: BreakerState;
  /** How many times it opened since start. */
  readonly trips: number;
  readonly consecutiveFailures: number;
}

export interface CircuitBreaker {
  /** Runs `action` through the breaker; rejects at once with BreakerOpenError while open. */
  fire<T>(action: () => Promise<T>): Promise<T>;
  readonly state: BreakerState;
  readonly trips: number;
  snapshot(): BreakerSnapshot;
  /** Called on every state change; returns the function that removes the listener. */
  onStateChange(listener: (state: BreakerState, snapshot: BreakerSnapshot) => void): () => void;
  /** Stops the timers; later calls are rejected. */
  shutdown(): void;
}

/** Thrown by `fire` while the breaker is open (or a half-open trial is already running). */
export class BreakerOpenError extends Error {
  readonly breaker: string;
  constructor(breaker: string) {
    super(`circuit breaker "${breaker}" is open`);
    this.name = 'BreakerOpenError';
    this.breaker = breaker;
  }
}

/** True for the error `fire` rejects with while the breaker is open. */
export function isBreakerOpenError(error: unknown): error is BreakerOpenError {
  return error instanceof BreakerOpenError;
}

type Thunk = () => Promise<unknown>;

/** A breaker with the given threshold and reset time. */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const threshold = options.threshold ?? BREAKER_DEFAULTS.threshold;
  const resetMs = options.resetMs ?? BREAKER_DEFAULTS.resetMs;
  const impl = new CircuitBreakerImpl<[Thunk], unknown>((thunk: Thunk) => thunk(), {
    name: options.name,
    timeout: options.callTimeoutMs ?? BREAKER_DEFAULTS.callTimeoutMs,
    resetTimeout: resetMs,
    // Percentages above 100 never trigger: opening is decided by the consecutive count below.
    errorThresholdPercentage: 100,
    volumeThreshold: Number.MAX_SAFE_INTEGER,
  });
  let consecutiveFailures = 0;
  let trips = 0;
  const listeners = new Set<(state: BreakerState, snapshot: BreakerSnapshot) => void>();

  const stateOf = (): BreakerState => {
    if (impl.opened) return 'open';
    if (impl.halfOpen) return 'half_open';
    return 'closed';
  };
  const snapshot = (): BreakerSnapshot => ({
    name: options.name,
    state: stateOf(),
    trips,
    consecutiveFailures,
  });
  const notify = (): void => {
    const current = snapshot();
    for (const listener of listeners) listener(current.state, current);
  };

  impl.on('success', () => {
    consecutiveFailures = 0;
  });
  impl.on('failure', () => {
    consecutiveFailures += 1;
    if (consecutiveFailures >= threshold && impl.closed) impl.open();
  });
  impl.on('open', () => {
    trips += 1;
    notify();
  });
  impl.on('halfOpen', notify);
  impl.on('close', () => {
    consecutiveFailures = 0;
    notify();
  });

  return {
    async fire<T>(action: () => Promise<T>): Promise<T> {
      try {
        return (await impl.fire(action)) as T;
      } catch (error) {
        if ((error as { code?: unknown }).code === 'EOPENBREAKER') {
          throw new BreakerOpenError(options.name);
        }
        throw error;
      }
    },
    get state() {
      return stateOf();
    },
    get trips() {
      return trips;
    },
    snapshot,
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    shutdown() {
      listeners.clear();
      impl.shutdown();
    },
  };
}
