/**
 * Computed measures through the real app: `GET /aggregate?y=<measure>` on a file dataset,
 * against the oracle, and every bad measure — syntax, unknown or ill-typed columns, SQL
 * dressed as a measure — answered 400 naming `y`, never 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregateResponse } from '../../../../src/shared/api-types.js';
import { MEASUREMENTS } from '../../../helpers/fixture-data.js';
import { type FixtureApp, createFixtureApp, query } from '../../../helpers/fixture-app.js';
import { groupBy, sum } from '../../../helpers/oracle.js';

let fixture: FixtureApp;

beforeAll(async () => {
  fixture = await createFixtureApp('measures');
});

afterAll(async () => {
  await fixture?.close();
});

function get(pairs: readonly (readonly [string, string])[]) {
  return fixture.app.inject(`/api/v1/datasets/measurements/aggregate?${query(pairs)}`);
}

describe('GET /aggregate with a computed measure', () => {
  it('answers sum(score) / count(*) * 2 per label like the oracle', async () => {
    const response = await get([
      ['x', 'label'],
      ['y', 'sum(score) / count(*) * 2'],
    ]);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as AggregateResponse;
    const groups = groupBy(MEASUREMENTS, (row) => row.label);
    expect(body.x).toEqual([...groups.keys()].sort());
    expect(body.series.map((series) => series.name)).toEqual(['sum(score) / count(*) * 2']);
    body.x.forEach((label, index) => {
      const rows = groups.get(String(label)) ?? [];
      const want = (sum(rows.map((row) => row.score)) / rows.length) * 2;
      expect(body.series[0]?.y[index]).toBeCloseTo(want, 9);
    });
  });

  it('gives null, not an error, for a division by zero', async () => {
    const response = await get([['y', 'sum(score) / (count(*) - count(*))']]);
    expect(response.statusCode, response.body).toBe(200);
    expect((response.json() as AggregateResponse).series[0]?.y).toEqual([null]);
  });

  it.each([
    ['sum(score) / sum(', /found the end at position 18/],
    ['sum(nope)', /unknown column "nope" at position 5/],
    ['sum(name)', /sum needs a column of type integer or float; "name" is a string column/],
    ['sum(score); DROP TABLE measurements', /unexpected character ";"/],
    ['sum(score) -- x', /position/],
    ['sum("score"" OR 1=1 --")', /unknown column "score" OR 1=1 --"/],
    ['1e400 * count(*)', /out of range/],
  ])('answers 400 naming y for %s', async (measure, message) => {
    const response = await get([['y', measure]]);
    expect(response.statusCode, response.body).toBe(400);
    const body = response.json() as { parameter?: string; message: string };
    expect(body.parameter).toBe('y');
    expect(body.message).toMatch(message);
  });

  it('refuses agg beside a measure', async () => {
    const response = await get([
      ['y', 'sum(score)'],
      ['agg', 'mean'],
    ]);
    expect(response.statusCode).toBe(400);
    expect((response.json() as { parameter?: string }).parameter).toBe('agg');
  });
});
