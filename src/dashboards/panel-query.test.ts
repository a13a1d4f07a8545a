import { describe, expect, it } from 'vitest';
import { BadParameterError } from '../errors.js';
import type {
  DashboardDefinition,
  DashboardFilter,
  DashboardPanel,
} from '../shared/dashboard-types.js';
import { annotationsQuery, panelQuery, resolveFilterValues, toQueryString } from './panel-query.js';

const filters: DashboardFilter[] = [
  {
    column: 'tool',
    label: 'Tool',
    kind: 'select',
    multiple: false,
    dataset: 'trends',
    defaultValues: ['Benchmarking'],
  },
  {
    column: 'source',
    label: 'Source',
    kind: 'select',
    multiple: true,
    dataset: 'trends',
    defaultValues: [],
  },
  {
    column: 'date',
    label: 'Date',
    kind: 'date-range',
    multiple: false,
    dataset: 'trends',
    defaultValues: [],
  },
];
const definition: DashboardDefinition = {
  id: 'tools',
  title: 'Tools',
  dataset: 'trends',
  file: 'tools.yaml',
  filters,
  panels: [],
};
const trendsColumns = ['date', 'tool', 'source', 'value'];

function panel(fields: Partial<DashboardPanel> & Pick<DashboardPanel, 'type'>): DashboardPanel {
  return { id: 'p', title: 'P', dataset: 'trends', width: 'half', ...fields };
}

describe('resolveFilterValues', () => {
  it('takes URL values, else defaults; an empty value clears a filter', () => {
    expect(resolveFilterValues(definition, {})).toEqual({
      tool: ['Benchmarking'],
      source: [],
      date: [],
    });
    expect(
      resolveFilterValues(definition, { tool: 'Outsourcing', source: 'in.(a,b)' }),
    ).toMatchObject({
      tool: ['Outsourcing'],
      source: ['in.(a,b)'],
    });
    expect(resolveFilterValues(definition, { tool: '' }).tool).toEqual([]);
    expect(
      resolveFilterValues(definition, { date: ['gte.2020-01-01', 'lt.2021-01-01'] }).date,
    ).toEqual(['gte.2020-01-01', 'lt.2021-01-01']);
  });

  it('answers 400 naming the filters for an unknown key', () => {
    expect(() => resolveFilterValues(definition, { colour: 'red' })).toThrow(BadParameterError);
    expect(() => resolveFilterValues(definition, { colour: 'red' })).toThrow(
      /filters of dashboard "tools" are: tool, source, date/,
    );
  });
});

describe('panelQuery', () => {
  const values = {
    tool: ['Outsourcing'],
    source: ['in.(crossref,google_books)'],
    date: ['gte.2000-01-01'],
  };

  it('turns a chart panel into an aggregate query with every filter as filter.<column>', () => {
    const query = panelQuery(
      panel({ type: 'line', x: 'date', bucket: 'month', y: 'value', agg: 'mean', group: 'source' }),
      filters,
      values,
      trendsColumns,
    );
    expect(query).toEqual({
      endpoint: 'aggregate',
      raw: {
        x: 'date',
        bucket: 'month',
        y: 'value',
        agg: 'mean',
        group: 'source',
        'filter.tool': ['eq.Outsourcing'],
        'filter.source': ['in.(crossref,google_books)'],
        'filter.date': ['gte.2000-01-01'],
      },
    });
  });

  it('skips filters on columns the dataset lacks, ignored filters, and columns the panel fixes', () => {
    const query = panelQuery(
      panel({
        type: 'bar',
        group: 'tool',
        ignoreFilters: ['tool'],
        where: { source: ['eq.google_trends'] },
      }),
      filters,
      values,
      ['tool', 'source', 'value'],
    );
    expect(query.raw).toEqual({ group: 'tool', 'filter.source': ['eq.google_trends'] });
  });

  it('turns a table into a rows query with a page size, and a scatter into its columns', () => {
    expect(
      panelQuery(
        panel({ type: 'table', select: ['date', 'value'], order: 'date.desc' }),
        filters,
        {},
        trendsColumns,
      ),
    ).toEqual({
      endpoint: 'rows',
      raw: { select: 'date,value', order: 'date.desc', limit: '50' },
    });
    expect(
      panelQuery(
        panel({ type: 'scatter', x: 'date', y: 'value', group: 'tool', limit: 10 }),
        [],
        {},
        trendsColumns,
      ),
    ).toEqual({
      endpoint: 'rows',
      raw: { select: 'date,value,tool', limit: '10' },
    });
  });

  it('queries the notes of annotations with the filters that apply to the notes dataset', () => {
    const withNotes = panel({
      type: 'line',
      x: 'date',
      annotations: { dataset: 'notes', time: 'date', text: 'note' },
    });
    expect(annotationsQuery(withNotes, filters, values, ['date', 'tool', 'note'])).toEqual({
      select: 'date,note',
      order: 'date',
      limit: '500',
      'filter.tool': ['eq.Outsourcing'],
      'filter.date': ['gte.2000-01-01'],
    });
    expect(
      annotationsQuery(panel({ type: 'line', x: 'date' }), filters, values, []),
    ).toBeUndefined();
  });
});

describe('toQueryString', () => {
  it('repeats repeated keys and can leave keys out', () => {
    expect(toQueryString({ a: '1', 'filter.d': ['gte.1', 'lt.2'], limit: '5' }, ['limit'])).toBe(
      'a=1&filter.d=gte.1&filter.d=lt.2',
    );
  });
});
