import { describe, expect, it } from 'vitest';
import { downsample } from '../../analysis/lttb.js';
import { parseAggregateQuery } from './parse-aggregate-query.js';
import type { RawQuery, SchemaColumn } from './query-types.js';
import { seriesLabel, shapeAggregate, type AggregateRow } from './shape-aggregate.js';

const schema: readonly SchemaColumn[] = [
  { name: 'ts', type: 'timestamp' },
  { name: 'value', type: 'float' },
  { name: 'n', type: 'integer' },
  { name: 'band', type: 'string' },
];
const query = (raw: RawQuery) => parseAggregateQuery(raw, schema);
const row = (
  x: AggregateRow['x'],
  v: AggregateRow['v'],
  n: AggregateRow['n'] = 1,
  g: string | null = null,
): AggregateRow => ({
  x,
  g,
  v,
  n,
});

describe('seriesLabel', () => {
  it('names a series after its aggregate', () => {
    expect(seriesLabel(query({}))).toBe('count');
    expect(seriesLabel(query({ agg: 'count', y: 'value' }))).toBe('count');
    expect(seriesLabel(query({ agg: 'mean', y: 'value' }))).toBe('mean(value)');
    expect(seriesLabel(query({ agg: 'distinct', y: 'band' }))).toBe('distinct(band)');
  });
});

describe('shapeAggregate', () => {
  it('gives one empty series for no rows', () => {
    expect(shapeAggregate([], query({ x: 'band' }))).toEqual({
      x: [],
      series: [{ name: 'count', y: [] }],
      rowsScanned: 0,
    });
    expect(shapeAggregate([], query({ x: 'band', group: 'band' }))).toEqual({
      x: [],
      series: [],
      rowsScanned: 0,
    });
  });

  it('gives the one cell `all` without x, even over no rows, as SQL does without GROUP BY', () => {
    expect(shapeAggregate([], query({}))).toEqual({
      x: ['all'],
      series: [{ name: 'count', y: [0] }],
      rowsScanned: 0,
    });
    expect(shapeAggregate([], query({ agg: 'mean', y: 'value' })).series).toEqual([
      { name: 'mean(value)', y: [null] },
    ]);
    expect(shapeAggregate([], query({ group: 'band' }))).toEqual({
      x: ['all'],
      series: [],
      rowsScanned: 0,
    });
    expect(shapeAggregate([row('all', 7, 3n)], query({ agg: 'sum', y: 'value' }))).toEqual({
      x: ['all'],
      series: [{ name: 'sum(value)', y: [7] }],
      rowsScanned: 3,
    });
  });

  it('sorts x, converts driver values and sums n', () => {
    const rows = [row(10n, 2n, 2n), row(null, '4', '3'), row(2, 1.5, 1), row(-1, null, 5)];
    expect(shapeAggregate(rows, query({ x: 'n', agg: 'max', y: 'value' }))).toEqual({
      x: [-1, 2, 10, null],
      series: [{ name: 'max(value)', y: [null, 1.5, 2, 4] }],
      rowsScanned: 11,
    });
  });

  it('turns Date x into ISO strings and sorts strings by code point', () => {
    const rows = [row(new Date(Date.UTC(2024, 1, 1)), 1), row(new Date(Date.UTC(2024, 0, 1)), 2)];
    expect(shapeAggregate(rows, query({ x: 'ts', bucket: 'month' })).x).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2024-02-01T00:00:00.000Z',
    ]);
    expect(shapeAggregate([row('b', 1), row('B', 1), row('a', 1)], query({ x: 'band' })).x).toEqual(
      ['B', 'a', 'b'],
    );
  });

  it('aligns groups to x: largest first, other last, missing cells by aggregate', () => {
    const rows = [
      row('a', 1, 1, 'zeta'),
      row('a', 5, 5, 'other'),
      row('b', 2, 2, 'zeta'),
      row('b', 3, 3, 'alpha'),
      row('c', 4, 4, 'null'),
    ];
    expect(shapeAggregate(rows, query({ x: 'band', group: 'band' }))).toEqual({
      x: ['a', 'b', 'c'],
      series: [
        { name: 'null', y: [0, 0, 4] },
        { name: 'alpha', y: [0, 3, 0] },
        { name: 'zeta', y: [1, 2, 0] },
        { name: 'other', y: [5, 0, 0] },
      ],
      rowsScanned: 15,
    });
    const mean = shapeAggregate(rows, query({ x: 'band', group: 'band', agg: 'mean', y: 'value' }));
    expect(mean.series.find((s) => s.name === 'alpha')?.y).toEqual([null, 3, null]);
    const sum = shapeAggregate(rows, query({ x: 'band', group: 'band', agg: 'sum', y: 'value' }));
    expect(sum.series.find((s) => s.name === 'alpha')?.y).toEqual([0, 3, 0]);
  });

  it('lays bins out on their lower edges, empty ones included', () => {
    const edges = [0, 2.5, 5, 7.5, 10];
    const rows = [row(3, 4, 4n), row(0, 2, 2n)];
    expect(shapeAggregate(rows, query({ x: 'value', bins: '4' }), edges)).toEqual({
      x: [0, 2.5, 5, 7.5],
      series: [{ name: 'count', y: [2, 0, 0, 4] }],
      rowsScanned: 6,
    });
    expect(
      shapeAggregate(rows, query({ x: 'value', bins: '4', agg: 'mean', y: 'n' }), edges).series[0]
        ?.y,
    ).toEqual([2, null, null, 4]);
    expect(shapeAggregate([], query({ x: 'value', bins: '4' }))).toEqual({
      x: [],
      series: [{ name: 'count', y: [] }],
      rowsScanned: 0,
    });
    expect(() => shapeAggregate(rows, query({ x: 'value', bins: '4' }))).toThrow(
      /need the bin edges/,
    );
  });

  it('downsamples a long numeric axis with LTTB across all series', () => {
    const rows: AggregateRow[] = [];
    for (let i = 0; i < 200; i += 1) {
      rows.push(row(i, Math.sin(i / 7) * 10, 1, 'a'));
      rows.push(row(i, i % 17, 1, 'b'));
    }
    const shaped = shapeAggregate(
      rows,
      query({ x: 'n', group: 'band', agg: 'max', y: 'value', points: '40' }),
    );
    const x = Array.from({ length: 200 }, (_, i) => i);
    const ys = [x.map((i) => Math.sin(i / 7) * 10), x.map((i) => i % 17)];
    const kept = downsample(x, ys, 40);
    expect(kept.length).toBeLessThanOrEqual(40);
    expect(shaped.x).toEqual(kept);
    expect(shaped.series.map((s) => s.name)).toEqual(['a', 'b']);
    expect(shaped.series[1]?.y).toEqual(kept.map((i) => i % 17));
    expect(shaped.rowsScanned).toBe(400);
  });

  it('downsamples time axes by epoch milliseconds and keeps a null x at the end', () => {
    const rows: AggregateRow[] = [];
    for (let day = 0; day < 60; day += 1) {
      rows.push(
        row(
          new Date(Date.UTC(2024, 0, 1 + day)).toISOString().replace('.000Z', ''),
          day % 5 === 0 ? 100 : 1,
        ),
      );
    }
    rows.push(row(null, 7));
    const shaped = shapeAggregate(rows, query({ x: 'ts', points: '10' }));
    expect(shaped.x).toHaveLength(10);
    expect(shaped.x.at(-1)).toBeNull();
    expect(shaped.series[0]?.y.at(-1)).toBe(7);
    expect(shaped.x[0]).toBe('2024-01-01T00:00:00');
    expect(shaped.x[8]).toBe('2024-02-29T00:00:00');
  });

  it('leaves categorical axes and short axes whole', () => {
    const rows = Array.from({ length: 20 }, (_, i) => row(`band ${String(i).padStart(2, '0')}`, i));
    expect(shapeAggregate(rows, query({ x: 'band', points: '5' })).x).toHaveLength(20);
    const short = [row(1, 1), row(2, 5), row(3, 2)];
    expect(shapeAggregate(short, query({ x: 'n', points: '3' })).x).toEqual([1, 2, 3]);
  });
});
