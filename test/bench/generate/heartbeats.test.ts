import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHeartbeatsCsv } from '../../../bench/generate/heartbeats.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dashport-heartbeats-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('generateHeartbeatsCsv', () => {
  it('writes full-precision rows of exactly 4,700 bytes, with or without a header', async () => {
    const withHeader = await generateHeartbeatsCsv(path.join(dir, 'a.csv'), 300);
    const headerBytes = 'c000,'.length * 187 + 'label\n'.length;
    expect(withHeader.bytes).toBe(headerBytes + 300 * 4_700);
    const bare = await generateHeartbeatsCsv(path.join(dir, 'b.csv'), 300, { header: false });
    expect(bare.bytes).toBe(300 * 4_700);
    const text = await readFile(path.join(dir, 'a.csv'), 'utf8');
    expect(text.slice(headerBytes)).toBe(await readFile(path.join(dir, 'b.csv'), 'utf8'));
  });

  it('is deterministic for a seed', async () => {
    await generateHeartbeatsCsv(path.join(dir, 'c.csv'), 50, { seed: 3 });
    await generateHeartbeatsCsv(path.join(dir, 'd.csv'), 50, { seed: 3 });
    await generateHeartbeatsCsv(path.join(dir, 'e.csv'), 50, { seed: 4 });
    const [c, d, e] = await Promise.all(
      ['c', 'd', 'e'].map((name) => readFile(path.join(dir, `${name}.csv`), 'utf8')),
    );
    expect(c === d).toBe(true);
    expect(c === e).toBe(false);
  });

  it('reads back as 187 float columns and an integer label at fixed decimals', async () => {
    const file = path.join(dir, 'compact.csv');
    await generateHeartbeatsCsv(file, 400, { precision: 4 });
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      const types = (
        await db.runAndReadAll(
          `SELECT column_type, count(*)::INTEGER AS n FROM (DESCRIBE SELECT * FROM '${file}') GROUP BY ALL ORDER BY ALL`,
        )
      ).getRowsJS();
      expect(types).toEqual([
        ['BIGINT', 1],
        ['DOUBLE', 187],
      ]);
      const [row] = (
        await db.runAndReadAll(
          `SELECT count(*)::INTEGER, min(label)::INTEGER, max(label)::INTEGER, min(c000) > 0.7, max(c010) <= 1 FROM '${file}'`,
        )
      ).getRowsJS();
      expect(row).toEqual([400, 0, 4, true, true]);
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });
});
