import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeAnalyses } from './compute-analyses.js';
import { type DuckDb, createDuckDb } from './duckdb.js';

describe('computeAnalyses over floats that are not finite', () => {
  let db: DuckDb;
  let dir: string;
  beforeAll(async () => {
    db = await createDuckDb({ threads: 1, connections: 1, queryTimeoutMs: 10_000 });
    dir = await mkdtemp(path.join(os.tmpdir(), 'dashport-analyses-'));
  });
  afterAll(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  // Found by test/engine/query-properties.test.ts: stddev_samp raised "out of range" on NaN,
  // and the dataset could not be served at all.
  it('describes the finite values and still builds', async () => {
    const parquetFile = path.join(dir, 'floats.parquet');
    await db.run(
      `COPY (SELECT * FROM (VALUES (1, 1.0), (2, 3.0), (3, 'NaN'::DOUBLE), (4, 'Infinity'::DOUBLE), (5, '-Infinity'::DOUBLE), (6, NULL)) AS t(id, v)) TO '${parquetFile}' (FORMAT parquet)`,
    );
    const analyses = await computeAnalyses(db, {
      id: 'floats',
      parquetFile,
      columns: [
        { name: 'id', type: 'integer', nullable: false },
        { name: 'v', type: 'float', nullable: true },
      ],
      rows: 6,
      labelColumn: undefined,
      samplesPerClass: 50,
    });
    const v = analyses.summary.columns.find((column) => column.name === 'v');
    expect(v?.stats).toMatchObject({ count: 5, nulls: 1, min: 1, max: 3, mean: 2 });
    expect(v?.stats.std).toBeCloseTo(Math.SQRT2, 12);
    expect(v?.stats.quantiles?.p50).toBe(2);
    expect(v?.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(2);
  });
});
