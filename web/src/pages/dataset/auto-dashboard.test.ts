import { describe, expect, it } from 'vitest';
import type { ColumnInfo, DatasetDetail } from '../../../../src/shared/api-types.js';
import {
  aggregateQuery,
  numericColumns,
  splitColumn,
  timeBucket,
  timeSeriesPlan,
} from './auto-dashboard.js';

function column(
  name: string,
  type: ColumnInfo['type'],
  stats: Partial<NonNullable<ColumnInfo['stats']>> = {},
): ColumnInfo {
  return {
    name,
    type,
    nullable: false,
    stats: {
      count: 1,
      nulls: 0,
      distinct: 1,
      min: null,
      max: null,
      mean: null,
      std: null,
      quantiles: null,
      ...stats,
    },
  };
}

function dataset(columns: ColumnInfo[], extra: Partial<DatasetDetail> = {}): DatasetDetail {
  return {
    id: 'd',
    title: 'D',
    source: { kind: 'csv', location: 'd.csv' },
    rows: 1,
    cached: true,
    live: false,
    updatedAt: null,
    state: 'ready',
    columns,
    columnCount: columns.length,
    ...extra,
  };
}

describe('the automatic dashboard plan', () => {
  it('picks the finest bucket under the point target', () => {
    expect(timeBucket('2024-11-01T00:00:00Z', '2024-11-30T23:59:00Z')).toBe('day');
    expect(timeBucket('2024-11-01T00:00:00Z', '2024-11-10T23:59:00Z')).toBe('hour');
    expect(timeBucket('2012-01-01', '2015-12-31')).toBe('week');
    expect(timeBucket('2012-01-01', '2015-12-31', 100)).toBe('month');
    expect(timeBucket('1990-01-01', '2024-12-01')).toBe('month');
    expect(timeBucket(null, undefined)).toBe('day');
  });

  it('splits by the label, else by a text column with few values', () => {
    const weather = dataset([
      column('date', 'date'),
      column('wind', 'float'),
      column('city', 'string', { distinct: 900 }),
      column('kind', 'string', { distinct: 5 }),
    ]);
    expect(splitColumn(weather)).toBe('kind');
    expect(splitColumn({ ...weather, labelColumn: 'city' })).toBe('city');
  });

  it('plans a time series only with a time column, and leaves label and time out of the numeric columns', () => {
    const detail = dataset(
      [
        column('date', 'date', { min: '2012-01-01', max: '2015-12-31' }),
        column('label', 'integer'),
        column('v', 'float'),
        column('w', 'integer'),
      ],
      { timeColumn: 'date', labelColumn: 'label' },
    );
    expect(numericColumns(detail).map((info) => info.name)).toEqual(['v', 'w']);
    expect(timeSeriesPlan(detail)).toEqual({
      time: 'date',
      bucket: 'week',
      measureBucket: 'month',
      measure: 'v',
      group: 'label',
    });
    expect(timeSeriesPlan(dataset([column('v', 'float')]))).toBeUndefined();
    expect(aggregateQuery({ x: 'date', top: undefined, points: 500 })).toBe('x=date&points=500');
  });
});
