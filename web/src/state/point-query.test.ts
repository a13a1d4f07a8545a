import { describe, expect, it } from 'vitest';
import type { DashboardFilter, DashboardPanel } from '../../../src/shared/dashboard-types.js';
import { crossFilterChanges, drillDownQuery, nextBucket } from './point-query.js';

const panel = (extra: Partial<DashboardPanel>): DashboardPanel => ({
  id: 'p',
  title: 'P',
  type: 'bar',
  dataset: 'trends',
  width: 'half',
  ...extra,
});
const decoded = (query: string) => [...new URLSearchParams(query)];

describe('drillDownQuery', () => {
  const aggregate = 'x=date&bucket=month&y=value&agg=mean&group=source&filter.tool=eq.A';

  it('keeps the filters and adds the bucket and the group of the point', () => {
    const query = drillDownQuery(
      panel({ x: 'date', bucket: 'month', group: 'source' }),
      aggregate,
      ['2020-01-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z'],
      ['crossref', 'other'],
      { xIndex: 0, series: 'crossref' },
    );
    expect(decoded(query)).toEqual([
      ['filter.tool', 'eq.A'],
      ['filter.date', 'gte.2020-01-01'],
      ['filter.date', 'lt.2020-02-01'],
      ['filter.source', 'eq.crossref'],
    ]);
  });

  it('selects a bin, a raw value, null, and the rows of "other"', () => {
    expect(
      decoded(
        drillDownQuery(panel({ x: 'v', bins: 3 }), '', [0, 5, 10], [], {
          xIndex: 1,
          series: undefined,
        }),
      ),
    ).toEqual([
      ['filter.v', 'gte.5'],
      ['filter.v', 'lt.10'],
    ]);
    expect(
      decoded(
        drillDownQuery(panel({ x: 'v', bins: 3 }), '', [0, 5, 10], [], {
          xIndex: 2,
          series: undefined,
        }),
      ),
    ).toEqual([['filter.v', 'gte.10']]);
    expect(
      decoded(
        drillDownQuery(
          panel({ x: 'band', group: 'mode' }),
          '',
          ['20m', null],
          ['FT8', 'CW', 'null', 'other'],
          { xIndex: 1, series: 'other' },
        ),
      ),
    ).toEqual([
      ['filter.band', 'is.null'],
      ['filter.mode', 'not.in.(FT8,CW)'],
      ['filter.mode', 'not.is.null'],
    ]);
  });

  it('steps every bucket unit in UTC', () => {
    expect(nextBucket('2020-12-28', 'week')).toBe('2021-01-04');
    expect(nextBucket('2020-11-01T00:00:00.000Z', 'quarter')).toBe('2021-02-01');
    expect(nextBucket('2020-01-01T23:00:00.000Z', 'hour')).toBe('2020-01-02T00:00:00Z');
    expect(nextBucket('2020-01-01', 'year')).toBe('2021-01-01');
  });
});

describe('crossFilterChanges', () => {
  const filters: DashboardFilter[] = [
    {
      column: 'tool',
      label: 'Tool',
      kind: 'select',
      multiple: false,
      dataset: 't',
      defaultValues: [],
    },
    {
      column: 'source',
      label: 'Source',
      kind: 'select',
      multiple: true,
      dataset: 't',
      defaultValues: [],
    },
  ];

  it('sets the x and group filters, toggles off a repeated click, ignores other', () => {
    const bar = panel({ x: 'tool', group: 'source', onClick: 'filter' });
    expect(
      crossFilterChanges(bar, filters, {}, ['Benchmarking'], { xIndex: 0, series: 'crossref' }),
    ).toEqual([
      { filter: filters[0], values: ['Benchmarking'] },
      { filter: filters[1], values: ['in.(crossref)'] },
    ]);
    expect(
      crossFilterChanges(bar, filters, { tool: ['Benchmarking'] }, ['Benchmarking'], {
        xIndex: 0,
        series: 'other',
      }),
    ).toEqual([{ filter: filters[0], values: [] }]);
    expect(
      crossFilterChanges(
        panel({ x: 'date', bucket: 'month', group: 'tool' }),
        filters,
        {},
        ['2020-01-01'],
        { xIndex: 0, series: 'eq.x' },
      ),
    ).toEqual([{ filter: filters[0], values: ['eq.eq.x'] }]);
  });
});
