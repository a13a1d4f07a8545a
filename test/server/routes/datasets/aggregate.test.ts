/**
 * GET /api/v1/datasets/{id}/aggregate: every aggregate function, time buckets, histogram bins,
 * groups with top N and `other`, LTTB points and filters, against sums computed in JS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { histogramEdges } from '../../../../src/analysis/histogram.js';
import type { AggregateResponse } from '../../../../src/shared/api-types.js';
import { MEASUREMENTS, ORDERS, type Measurement } from '../../../helpers/fixture-data.js';
import { type FixtureApp, createFixtureApp, query } from '../../../helpers/fixture-app.js';
import { groupBy, mean, numbers, quantile, sum } from '../../../helpers/oracle.js';

let fixture: FixtureApp;

beforeAll(async () => {
  fixture = await createFixtureApp('aggregate');
});

afterAll(async () => {
  await fixture?.close();
});

async function aggregate(
  pairs: readonly (readonly [string, string])[],
  id = 'measurements',
): Promise<AggregateResponse> {
  const response = await fixture.app.inject(`/api/v1/datasets/${id}/aggregate?${query(pairs)}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as AggregateResponse;
}

/** x sorted ascending and one y per x, from a JS grouping. */
function expectedSeries<T>(
  rows: readonly Measurement[],
  key: (row: Measurement) => string,
  value: (rows: Measurement[]) => T,
): { x: string[]; y: T[] } {
  const groups = groupBy(rows, key);
  const x = [...groups.keys()].sort();
  return { x, y: x.map((k) => value(groups.get(k) ?? [])) };
}

function closeTo(actual: readonly (number | null)[], expected: readonly (number | null)[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => {
    const want = expected[i];
    if (want === null || want === undefined) expect(value).toBeNull();
    else expect(value).toBeCloseTo(want, 9);
  });
}

const scores = (rows: readonly Measurement[]): number[] => rows.map((row) => row.score);

describe('without x', () => {
  it('counts every row', async () => {
    const result = await aggregate([]);
    expect(result.x).toEqual(['all']);
    expect(result.series).toEqual([{ name: 'count', y: [MEASUREMENTS.length] }]);
    expect(result.meta.rowsScanned).toBe(MEASUREMENTS.length);
  });

  it('applies filters', async () => {
    const result = await aggregate([
      ['agg', 'sum'],
      ['y', 'score'],
      ['flag', 'is.true'],
    ]);
    const kept = MEASUREMENTS.filter((row) => row.flag);
    expect(result.series[0]?.name).toBe('sum(score)');
    closeTo(result.series[0]?.y ?? [], [sum(scores(kept))]);
    expect(result.meta.rowsScanned).toBe(kept.length);
  });
});

describe('agg functions over a categorical x', () => {
  const byLabel = (value: (rows: Measurement[]) => number | null) =>
    expectedSeries(MEASUREMENTS, (row) => row.label, value);

  it.each([
    ['count', (rows: Measurement[]) => rows.length],
    ['sum', (rows: Measurement[]) => sum(scores(rows))],
    ['mean', (rows: Measurement[]) => mean(scores(rows))],
    ['min', (rows: Measurement[]) => Math.min(...scores(rows))],
    ['max', (rows: Measurement[]) => Math.max(...scores(rows))],
    ['median', (rows: Measurement[]) => quantile(scores(rows), 0.5)],
    ['distinct', (rows: Measurement[]) => new Set(scores(rows)).size],
  ] as const)('agg=%s', async (agg, value) => {
    const result = await aggregate([
      ['x', 'label'],
      ['agg', agg],
      ['y', 'score'],
    ]);
    const expected = byLabel(value);
    expect(result.x).toEqual(expected.x);
    expect(result.series).toHaveLength(1);
    expect(result.series[0]?.name).toBe(agg === 'count' ? 'count' : `${agg}(score)`);
    closeTo(result.series[0]?.y ?? [], expected.y);
  });

  it('ignores nulls in y and counts rows per x', async () => {
    const result = await aggregate([
      ['x', 'label'],
      ['agg', 'mean'],
      ['y', 'maybe'],
    ]);
    const expected = byLabel((rows) =>
      mean(rows.flatMap((row) => (row.maybe === null ? [] : [row.maybe]))),
    );
    closeTo(result.series[0]?.y ?? [], expected.y);
  });

  it('min and max of a date are epoch milliseconds', async () => {
    const result = await aggregate([
      ['x', 'label'],
      ['agg', 'max'],
      ['y', 'day'],
    ]);
    const expected = byLabel((rows) => Math.max(...rows.map((row) => Date.parse(row.day))));
    expect(result.series[0]?.y).toEqual(expected.y);
  });

  it('x over an integer column is numeric and sorted', async () => {
    const result = await aggregate([['x', 'limit']]);
    expect(result.x).toEqual([0, 1, 2, 3]);
    expect(result.series[0]?.y).toEqual(
      [0, 1, 2, 3].map((k) => MEASUREMENTS.filter((row) => row.limit === k).length),
    );
  });

  it('a null x sorts last', async () => {
    const result = await aggregate([['x', 'note']]);
    expect(result.x.at(-1)).toBeNull();
    expect(result.series[0]?.y.at(-1)).toBe(MEASUREMENTS.filter((row) => row.note === null).length);
  });
});

describe('time buckets', () => {
  const utc = (ms: number): Date => new Date(ms);
  const truncDay = (text: string): number => Date.parse(`${text.slice(0, 10)}T00:00:00Z`);
  const bucketOf: Record<string, (iso: string) => number> = {
    minute: (iso) => Math.floor(Date.parse(iso) / 60_000) * 60_000,
    hour: (iso) => Math.floor(Date.parse(iso) / 3_600_000) * 3_600_000,
    day: truncDay,
    week: (iso) => {
      const day = truncDay(iso);
      const weekday = (utc(day).getUTCDay() + 6) % 7;
      return day - weekday * 86_400_000;
    },
    month: (iso) =>
      Date.UTC(utc(Date.parse(iso)).getUTCFullYear(), utc(Date.parse(iso)).getUTCMonth(), 1),
    quarter: (iso) => {
      const date = utc(Date.parse(iso));
      return Date.UTC(date.getUTCFullYear(), Math.floor(date.getUTCMonth() / 3) * 3, 1);
    },
    year: (iso) => Date.UTC(utc(Date.parse(iso)).getUTCFullYear(), 0, 1),
  };

  /** An x value of the response as epoch milliseconds (dates and timestamps are ISO text). */
  const epoch = (value: unknown): number =>
    Date.parse(String(value).length === 10 ? `${String(value)}T00:00:00Z` : String(value));

  it.each(['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'])(
    'bucket=%s over a timestamp',
    async (bucket) => {
      const result = await aggregate([
        ['x', 'ts'],
        ['bucket', bucket],
        ['agg', 'mean'],
        ['y', 'score'],
      ]);
      const key = bucketOf[bucket] as (iso: string) => number;
      const groups = groupBy(MEASUREMENTS, (row) => String(key(row.ts)));
      const x = [...groups.keys()].map(Number).sort((a, b) => a - b);
      expect(result.x.map(epoch)).toEqual(x);
      closeTo(
        result.series[0]?.y ?? [],
        x.map((k) => mean(scores(groups.get(String(k)) ?? []))),
      );
    },
  );

  it.each(['day', 'week', 'month', 'quarter', 'year'])(
    'bucket=%s over a date counts rows',
    async (bucket) => {
      const result = await aggregate([
        ['x', 'day'],
        ['bucket', bucket],
      ]);
      const key = bucketOf[bucket] as (iso: string) => number;
      const groups = groupBy(MEASUREMENTS, (row) => String(key(row.day)));
      const x = [...groups.keys()].map(Number).sort((a, b) => a - b);
      expect(result.x.map(epoch)).toEqual(x);
      expect(result.series[0]?.y).toEqual(x.map((k) => groups.get(String(k))?.length ?? 0));
    },
  );

  it('refuses a bucket on a non-time x and an unknown bucket', async () => {
    const wrongType = await fixture.app.inject(
      '/api/v1/datasets/measurements/aggregate?x=score&bucket=day',
    );
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json()).toMatchObject({ parameter: 'bucket' });
    const unknown = await fixture.app.inject(
      '/api/v1/datasets/measurements/aggregate?x=ts&bucket=fortnight',
    );
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      parameter: 'bucket',
      message:
        'bucket must be one of minute, hour, day, week, month, quarter, year, got "fortnight"',
    });
  });
});

describe('bins', () => {
  it.each([1, 5, 20])('bins=%i histograms a numeric x over equal-width bins', async (bins) => {
    const result = await aggregate([
      ['x', 'score'],
      ['bins', String(bins)],
    ]);
    const values = scores(MEASUREMENTS);
    const edges = histogramEdges(Math.min(...values), Math.max(...values), bins);
    expect(result.x).toEqual(edges.slice(0, -1));
    const counts = new Array<number>(bins).fill(0);
    for (const value of values) {
      let bin = edges.findIndex(
        (edge, i) => i < bins && value >= edge && value < (edges[i + 1] as number),
      );
      if (bin === -1) bin = bins - 1;
      counts[bin] = (counts[bin] ?? 0) + 1;
    }
    expect(result.series[0]?.y).toEqual(counts);
    expect(sum(result.series[0]?.y as number[])).toBe(MEASUREMENTS.length);
  });

  // Found by test/engine/query-properties.test.ts: file datasets laid the bins over the whole
  // column's range (its statistics), PostgreSQL datasets over the filtered rows.
  it('bins span the filtered rows, as on PostgreSQL datasets', async () => {
    const result = await aggregate([
      ['x', 'id'],
      ['bins', '2'],
      ['id', 'gte.5'],
      ['filter.id', 'lte.9'],
    ]);
    expect(result.x).toEqual(histogramEdges(5, 9, 2).slice(0, -1));
    expect(result.series[0]?.y).toEqual([2, 3]);
  });

  it('bins with a filter and a mean', async () => {
    const result = await aggregate([
      ['x', 'x'],
      ['bins', '4'],
      ['agg', 'mean'],
      ['y', 'id'],
      ['label', 'eq.a'],
    ]);
    expect(result.meta.rowsScanned).toBe(MEASUREMENTS.filter((row) => row.label === 'a').length);
    expect(result.series[0]?.y.every((value) => value === null || value > 0)).toBe(true);
  });

  it('refuses bins on text and bins with bucket', async () => {
    expect(
      (await fixture.app.inject('/api/v1/datasets/measurements/aggregate?x=name&bins=5')).json(),
    ).toMatchObject({
      statusCode: 400,
      parameter: 'bins',
    });
    expect(
      (await fixture.app.inject('/api/v1/datasets/measurements/aggregate?x=ts&bucket=day&bins=5'))
        .statusCode,
    ).toBe(400);
    expect(
      (await fixture.app.inject('/api/v1/datasets/measurements/aggregate?x=score&bins=0')).json(),
    ).toMatchObject({
      parameter: 'bins',
      message: 'bins must be an integer 1-1000, got "0"',
    });
  });
});

describe('group, top and other', () => {
  it('splits into series, the largest `top` groups first and the rest as other', async () => {
    const result = await aggregate([
      ['x', 'label'],
      ['group', 'category'],
      ['top', '3'],
    ]);
    const totals = [...groupBy(MEASUREMENTS, (row) => row.category).entries()]
      .map(([name, rows]) => [name, rows.length] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const top = totals.slice(0, 3).map(([name]) => name);
    expect(result.series.map((series) => series.name)).toEqual([...top, 'other']);
    const labels = ['a', 'b', 'c'];
    expect(result.x).toEqual(labels);
    for (const series of result.series) {
      const inSeries = (row: Measurement): boolean =>
        series.name === 'other' ? !top.includes(row.category) : row.category === series.name;
      expect(series.y, series.name).toEqual(
        labels.map(
          (label) => MEASUREMENTS.filter((row) => row.label === label && inSeries(row)).length,
        ),
      );
    }
  });

  it('keeps every group under the default top of 10', async () => {
    const result = await aggregate([
      ['x', 'label'],
      ['group', 'category'],
      ['agg', 'sum'],
      ['y', 'score'],
    ]);
    const categories = new Set(MEASUREMENTS.map((row) => row.category));
    expect(result.series).toHaveLength(categories.size);
    expect(result.series.some((series) => series.name === 'other')).toBe(false);
    const first = result.series[0];
    const rows = MEASUREMENTS.filter((row) => row.category === first?.name);
    closeTo(
      first?.y ?? [],
      ['a', 'b', 'c'].map((label) => {
        const cell = rows.filter((row) => row.label === label);
        return cell.length === 0 ? 0 : sum(scores(cell));
      }),
    );
  });

  it('names a null group "null"', async () => {
    const result = await aggregate([
      ['x', 'label'],
      ['group', 'note'],
      ['top', '100'],
    ]);
    expect(result.series.map((series) => series.name)).toContain('null');
  });
});

describe('points (LTTB)', () => {
  it('caps a long series at `points`, keeping the first and last point', async () => {
    const result = await aggregate([
      ['x', 'id'],
      ['agg', 'sum'],
      ['y', 'x2'],
      ['points', '10'],
    ]);
    expect(result.x).toHaveLength(10);
    expect(result.series[0]?.y).toHaveLength(10);
    expect(result.x[0]).toBe(1);
    expect(result.x.at(-1)).toBe(MEASUREMENTS.length);
    for (const [i, x] of result.x.entries()) {
      expect(result.series[0]?.y[i]).toBe(MEASUREMENTS.find((row) => row.id === x)?.x2);
    }
    const xs = result.x as number[];
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
  });

  it('downsamples a time axis too', async () => {
    const result = await aggregate([
      ['x', 'ts'],
      ['agg', 'max'],
      ['y', 'score'],
      ['points', '25'],
    ]);
    expect(result.x).toHaveLength(25);
    expect(result.x[0]).toBe(MEASUREMENTS[0]?.ts);
    expect(result.x.at(-1)).toBe(MEASUREMENTS.at(-1)?.ts);
  });

  it('leaves a series shorter than `points` whole', async () => {
    const result = await aggregate([
      ['x', 'label'],
      ['points', '10'],
    ]);
    expect(result.x).toEqual(['a', 'b', 'c']);
  });
});

describe('meta and errors', () => {
  it('says when an answer came from the result cache', async () => {
    const pairs = [
      ['x', 'category'],
      ['agg', 'median'],
      ['y', 'x'],
    ] as const;
    const first = await aggregate(pairs);
    const second = await aggregate(pairs);
    expect(first.meta.cached).toBe(false);
    expect(second.meta.cached).toBe(true);
    expect(second.x).toEqual(first.x);
    expect(typeof second.meta.durationMs).toBe('number');
  });

  it.each([
    ['agg=sum without y', 'x=label&agg=sum', 'y'],
    ['agg=mean of text', 'x=label&agg=mean&y=name', 'y'],
    ['an unknown agg', 'agg=avg&y=score', 'agg'],
    ['an unknown x', 'x=nope', 'x'],
    ['an unknown group', 'x=label&group=nope', 'group'],
    ['top=0', 'x=label&group=category&top=0', 'top'],
    ['points=2', 'x=id&points=2', 'points'],
    ['a bad filter', 'x=label&score=gt.high', 'score'],
  ])('refuses %s naming the parameter', async (_name, search, parameter) => {
    const response = await fixture.app.inject(`/api/v1/datasets/measurements/aggregate?${search}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', parameter });
  });

  it('aggregates other sources: SQLite orders per customer', async () => {
    const result = await aggregate(
      [
        ['x', 'customer_id'],
        ['agg', 'sum'],
        ['y', 'total'],
      ],
      'shop.orders',
    );
    expect(result.x).toEqual([1, 2, 3]);
    closeTo(
      result.series[0]?.y ?? [],
      [1, 2, 3].map((customer) =>
        sum(
          numbers(
            ORDERS.filter((row) => row['customer_id'] === customer),
            'total',
          ),
        ),
      ),
    );
  });
});
