import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../../../auth/identity.js';
import { RECHECK_MS, endWhenAccessEnds } from './stream-access.js';

/** The parts of a ServerResponse the watcher uses. */
class FakeStream extends EventEmitter {
  writableEnded = false;
  end(): this {
    this.writableEnded = true;
    this.emit('close');
    return this;
  }
}

const resource = { kind: 'dataset', id: 'finance' } as const;
const user = (expiresAt?: number): Identity => ({
  kind: 'user',
  name: 'ada',
  groups: ['finance'],
  source: 'session',
  viaCookie: true,
  ...(expiresAt === undefined ? {} : { expiresAt }),
});

describe('endWhenAccessEnds', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends the stream when the session expires, not before', () => {
    const stream = new FakeStream();
    const access = { decide: () => ({ allow: true as const }) };
    endWhenAccessEnds({ access, identity: user(Date.now() + 5_000), resource, response: stream });
    vi.advanceTimersByTime(4_999);
    expect(stream.writableEnded).toBe(false);
    vi.advanceTimersByTime(1);
    expect(stream.writableEnded).toBe(true);
  });

  it('ends the stream at the first re-check after the policy turns to no', () => {
    const stream = new FakeStream();
    let allow = true;
    const access = {
      decide: () =>
        allow ? { allow: true as const } : { allow: false as const, deny: 'forbidden' as const },
    };
    endWhenAccessEnds({ access, identity: user(), resource, response: stream });
    vi.advanceTimersByTime(RECHECK_MS * 3);
    expect(stream.writableEnded).toBe(false);
    allow = false;
    vi.advanceTimersByTime(RECHECK_MS);
    expect(stream.writableEnded).toBe(true);
  });

  it('stops watching a stream the client closed', () => {
    const stream = new FakeStream();
    const decide = vi.fn(() => ({ allow: true as const }));
    endWhenAccessEnds({ access: { decide }, identity: user(), resource, response: stream });
    stream.emit('close');
    vi.advanceTimersByTime(RECHECK_MS * 2);
    expect(decide).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
