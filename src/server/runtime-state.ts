/**
 * Process-wide facts the operations endpoints report: when we started, whether we are
 * draining, and the cache build's progress as the builder (here or in the supervisor) tells it.
 */
export interface RuntimeState {
  readonly startedAt: number;
  /** Set on SIGTERM: readiness fails at once, new work is refused after the shutdown delay. */
  draining: boolean;
  /** 0..1 while the first build runs; 1 once every dataset has settled. */
  buildProgress: number;
  building: boolean;
}

export function createRuntimeState(now: number = Date.now()): RuntimeState {
  return { startedAt: now, draining: false, buildProgress: 0, building: false };
}
