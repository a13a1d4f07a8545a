import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BreakerState, createCircuitBreaker, isBreakerOpenError } from './circuit-breaker.js';

const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('boom'));

async function failTimes(
  breaker: ReturnType<typeof createCircuitBreaker>,
  n: number,
): Promise<void> {
  for (let i = 0; i < n; i += 1) await expect(breaker.fire(boom)).rejects.toThrow('boom');
}

describe('createCircuitBreaker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens after the threshold of consecutive failures and then fails fast', async () => {
    const breaker = createCircuitBreaker({ name: 'redis', threshold: 5, resetMs: 60_000 });
    await failTimes(breaker, 4);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(breaker.trips).toBe(1);
    const action = vi.fn(ok);
    const error = await breaker.fire(action).catch((e: unknown) => e);
    expect(isBreakerOpenError(error)).toBe(true);
    expect(action).not.toHaveBeenCalled();
    breaker.shutdown();
  });

  it('does not open when a success breaks the run of failures', async () => {
    const breaker = createCircuitBreaker({ name: 'redis', threshold: 3 });
    for (let i = 0; i < 10; i += 1) {
      await failTimes(breaker, 2);
      await expect(breaker.fire(ok)).resolves.toBe('ok');
    }
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot().consecutiveFailures).toBe(0);
    breaker.shutdown();
  });

  it('opens even after a long run of successes (no percentage dilution)', async () => {
    const breaker = createCircuitBreaker({ name: 'redis', threshold: 5 });
    for (let i = 0; i < 200; i += 1) await breaker.fire(ok);
    await failTimes(breaker, 5);
    expect(breaker.state).toBe('open');
    breaker.shutdown();
  });

  it('goes half-open after the reset time, closes on a successful trial', async () => {
    const states: BreakerState[] = [];
    const breaker = createCircuitBreaker({ name: 'redis', threshold: 2, resetMs: 10_000 });
    breaker.onStateChange((state) => states.push(state));
    await failTimes(breaker, 2);
    vi.advanceTimersByTime(9_999);
    expect(breaker.state).toBe('open');
    vi.advanceTimersByTime(1);
    expect(breaker.state).toBe('half_open');
    await expect(breaker.fire(ok)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half_open', 'closed']);
    breaker.shutdown();
  });

  it('reopens when the half-open trial fails, and counts the trip', async () => {
    const breaker = createCircuitBreaker({ name: 'redis', threshold: 2, resetMs: 1_000 });
    await failTimes(breaker, 2);
    vi.advanceTimersByTime(1_000);
    expect(breaker.state).toBe('half_open');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(breaker.trips).toBe(2);
    breaker.shutdown();
  });

  it('counts a call that hangs past the call timeout as a failure', async () => {
    const breaker = createCircuitBreaker({ name: 'redis', threshold: 1, callTimeoutMs: 50 });
    const pending = breaker.fire(() => new Promise<never>(() => undefined));
    const settled = pending.catch((e: unknown) => e);
    vi.advanceTimersByTime(50);
    expect(String(await settled)).toMatch(/Timed out/);
    expect(breaker.state).toBe('open');
    breaker.shutdown();
  });
});
