/**
 * The engine's query deadline (DASHPORT_TIMEOUT) on a real DuckDB: a statement past it is
 * interrupted — the answer comes at the deadline and DuckDB stops working — and a statement
 * queued behind busy connections counts its wait against the same deadline, so no query
 * outlives its request. Afterwards the pool answers at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuckDb, createDuckDb } from '../../src/engine/duckdb.js';

const DEADLINE_MS = 800;
/** Interrupting and unwinding a statement, on a shared 2-core machine. */
const MARGIN_MS = 600;
/** Runs for hours unless interrupted. */
const ENDLESS = 'SELECT count(*) FROM range(1000000000000) a';

async function timed(work: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  const error = await work.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  return { ms: performance.now() - started, error };
}

describe('DuckDB query deadline', () => {
  let db: DuckDb;
  beforeAll(async () => {
    db = await createDuckDb({ threads: 1, connections: 2, queryTimeoutMs: DEADLINE_MS });
  });
  afterAll(() => db?.close());

  it('interrupts a statement at the deadline with DASHPORT_ERR_QUERY_TIMEOUT', async () => {
    const { ms, error } = await timed(db.query(ENDLESS));
    expect(error).toMatchObject({ code: 'DASHPORT_ERR_QUERY_TIMEOUT', status: 503 });
    expect(ms).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  });

  it('counts the wait for a connection against the deadline', async () => {
    // Three endless statements on two connections: the third waits a whole deadline for one.
    const results = await Promise.all([
      timed(db.query(ENDLESS)),
      timed(db.query(ENDLESS)),
      timed(db.query(ENDLESS)),
    ]);
    for (const { ms, error } of results) {
      expect(error).toMatchObject({ code: 'DASHPORT_ERR_QUERY_TIMEOUT' });
      expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    }
    expect((results[2]?.error as Error).message).toContain('waited 800 ms for a free connection');
  });

  it('stops working once interrupted, and answers the next statements at once', async () => {
    await timed(db.query(ENDLESS));
    // DuckDB's threads are idle again: this process uses well under one core.
    const before = process.cpuUsage();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const used = process.cpuUsage(before);
    const cores = (used.user + used.system) / 1000 / (performance.now() - started);
    expect(cores).toBeLessThan(0.5);
    const { ms, error } = await timed(
      Promise.all([db.query('SELECT 42 AS answer'), db.query('SELECT 43 AS answer')]),
    );
    expect(error).toBeUndefined();
    expect(ms).toBeLessThan(200);
    expect((await db.query('SELECT 42 AS answer')).rows).toEqual([[42]]);
  });
});
