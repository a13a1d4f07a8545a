import { describe, expect, it } from 'vitest';
import type { AggregateResponse } from '../../../src/shared/api-types.js';
import { aggregateOption } from './aggregate-option.js';
import { MAX_CORRELATION_COLUMNS, correlationOption, strideIndices } from './analysis-option.js';

const META = { rowsScanned: 1, cached: false, durationMs: 1 };
type Series = {
  type: string;
  name?: string;
  data: unknown[];
  stack?: string;
  markLine?: { data: unknown[] };
};

describe('aggregateOption', () => {
  const monthly: AggregateResponse = {
    x: ['2020-01-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z'],
    series: [
      { name: 'crossref', y: [1, 2] },
      { name: 'google_trends', y: [3, null] },
    ],
    meta: META,
  };

  it('draws a bucketed x on a time axis with [x, y] points, notes as dashed lines and in the tooltip', () => {
    const notes = { x: ['2020-01-15'], text: ['a book'] };
    const option = aggregateOption({ type: 'line', x: 'date', bucket: 'month' }, monthly, notes);
    expect(option.xAxis).toMatchObject({ type: 'time' });
    const series = option.series as Series[];
    expect(series.map((one) => one.name)).toEqual(['crossref', 'google_trends']);
    expect(series[1]?.data).toEqual([
      ['2020-01-01T00:00:00.000Z', 3],
      ['2020-02-01T00:00:00.000Z', null],
    ]);
    expect(series[0]?.markLine?.data).toEqual([{ xAxis: '2020-01-15', name: 'a book' }]);
    const formatter = (option.tooltip as { formatter: (params: unknown) => string }).formatter;
    const text = formatter([
      { seriesName: 'crossref', dataIndex: 0, value: ['2020-01-01T00:00:00.000Z', 1] },
    ]);
    expect(text).toBe('2020-01\ncrossref: 1\n▲ 2020-01-15: a book');
    expect(option.legend).toMatchObject({ data: ['crossref', 'google_trends'] });
  });

  it('stacks areas and histograms, and ranks a group-only bar without "other"', () => {
    const stacked = aggregateOption({ type: 'area', x: 'ts', bucket: 'hour', stack: true }, monthly)
      .series as Series[];
    expect(stacked.every((one) => one.stack === 'total')).toBe(true);
    const ranked = aggregateOption(
      { type: 'bar', group: 'country', horizontal: true },
      {
        x: ['all'],
        series: [
          { name: 'JA', y: [2] },
          { name: 'US', y: [5] },
          { name: 'other', y: [50] },
        ],
        meta: META,
      },
    );
    expect(ranked.yAxis).toMatchObject({ type: 'category', data: ['US', 'JA'], inverse: true });
    expect((ranked.series as Series[])[0]?.data).toEqual([5, 2]);
  });

  it('lays out a heatmap as x × group cells with a colour scale over the values', () => {
    const option = aggregateOption(
      { type: 'heatmap', x: 'ts', bucket: 'day', group: 'band' },
      monthly,
    );
    expect((option.series as Series[])[0]?.data).toEqual([
      [0, 0, 1],
      [1, 0, 2],
      [0, 1, 3],
      [1, 1, null],
    ]);
    expect(option.yAxis).toMatchObject({ data: ['crossref', 'google_trends'] });
    expect(option.visualMap).toMatchObject({ min: 1, max: 3 });
  });
});

describe('correlationOption', () => {
  it('draws every k-th column of a wide matrix, at most MAX_CORRELATION_COLUMNS', () => {
    expect(strideIndices(7, 3)).toEqual([0, 3, 6]);
    const columns = Array.from({ length: 187 }, (_, index) => `c${index}`);
    const matrix = columns.map((_, row) => columns.map((__, column) => (row === column ? 1 : 0)));
    const option = correlationOption({ dataset: 'd', columns, matrix, sampleRows: 10 });
    const names = (option.xAxis as { data: string[] }).data;
    expect(names.length).toBeLessThanOrEqual(MAX_CORRELATION_COLUMNS);
    expect(names.slice(0, 2)).toEqual(['c0', 'c3']);
    expect((option.series as Series[])[0]?.data).toHaveLength(names.length ** 2);
  });
});
