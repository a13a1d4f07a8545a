import { describe, expect, it } from 'vitest';
import { NotFoundError, UnknownColumnError } from '../errors.js';
import type { RawQuery } from '../engine/sql/query-types.js';
import type { AggregateResponse, RowsResponse } from '../shared/api-types.js';
import type { DashboardDefinition } from '../shared/dashboard-types.js';
import { type DashboardQueries, errorBody, executeDashboard } from './execute-dashboard.js';

const META = { rowsScanned: 0, cached: false, durationMs: 0 };
const definition: DashboardDefinition = {
  id: 'tools',
  title: 'Tools',
  dataset: 'trends',
  file: 'tools.yaml',
  filters: [
    {
      column: 'tool',
      label: 'Tool',
      kind: 'select',
      multiple: false,
      dataset: 'trends',
      defaultValues: ['Benchmarking'],
    },
    {
      column: 'date',
      label: 'Date',
      kind: 'date-range',
      multiple: false,
      dataset: 'trends',
      defaultValues: [],
    },
  ],
  panels: [
    {
      id: 'line',
      title: 'L',
      type: 'line',
      dataset: 'trends',
      width: 'full',
      x: 'date',
      y: 'value',
      agg: 'mean',
      annotations: { dataset: 'notes', time: 'date', text: 'note' },
    },
    { id: 'rows', title: 'R', type: 'table', dataset: 'trends', width: 'full' },
    {
      id: 'bad',
      title: 'B',
      type: 'number',
      dataset: 'trends',
      width: 'half',
      y: 'nope',
      agg: 'sum',
    },
    { id: 'gone', title: 'G', type: 'number', dataset: 'missing', width: 'half' },
    { id: 'pca', title: 'P', type: 'pca', dataset: 'trends', width: 'half' },
  ],
};

/** The engine's contract, answered from fixed data; records every call. */
function fakeQueries() {
  const calls: { kind: string; dataset: string; raw: RawQuery }[] = [];
  const columns: Record<string, string[]> = {
    trends: ['date', 'tool', 'value'],
    notes: ['date', 'tool', 'note'],
  };
  const queries: DashboardQueries = {
    async columns(dataset) {
      const found = columns[dataset];
      if (!found)
        throw new NotFoundError('DASHPORT_ERR_DATASET_NOT_FOUND', `unknown dataset "${dataset}"`);
      return found;
    },
    async rows(dataset, raw): Promise<RowsResponse> {
      calls.push({ kind: 'rows', dataset, raw });
      if (dataset === 'notes')
        return {
          columns: ['date', 'note'],
          rows: [
            ['2005-03-01', 'a book'],
            ['2006-01-01', null],
          ],
          limit: 500,
          offset: 0,
        };
      return { columns: ['date'], rows: [['2020-01-01']], limit: 50, offset: 0 };
    },
    async aggregate(dataset, raw): Promise<AggregateResponse> {
      calls.push({ kind: 'aggregate', dataset, raw });
      if (raw['y'] === 'nope') throw new UnknownColumnError('y', 'nope', columns[dataset] ?? []);
      if (raw['agg'] === 'min')
        return {
          x: ['all'],
          series: [{ name: 'min(date)', y: [Date.UTC(1990, 0, 1)] }],
          meta: META,
        };
      if (raw['agg'] === 'max')
        return {
          x: ['all'],
          series: [{ name: 'max(date)', y: [Date.UTC(2024, 11, 1)] }],
          meta: META,
        };
      if (raw['x'] === 'tool')
        return {
          x: ['Benchmarking', null, 'Outsourcing'],
          series: [{ name: 'count', y: [2, 1, 3] }],
          meta: META,
        };
      return { x: ['2020-01-01'], series: [{ name: 'mean(value)', y: [1.5] }], meta: META };
    },
    async analysis(dataset) {
      return {
        dataset,
        columns: ['value'],
        explainedVariance: [0.9, 0.1],
        points: { x: [1], y: [2], label: null },
        labelColumn: null,
        sampleRows: 1,
      };
    },
  };
  return { calls, queries };
}

describe('executeDashboard', () => {
  it('answers every panel, its notes and the filter options in one response', async () => {
    const { calls, queries } = fakeQueries();
    const result = await executeDashboard(definition, { tool: 'Outsourcing' }, { queries });
    expect(result.filters).toEqual({ tool: ['Outsourcing'], date: [] });
    expect(result.options).toEqual({
      tool: { values: ['Benchmarking', 'Outsourcing'] },
      date: { min: '1990-01-01', max: '2024-12-01' },
    });
    expect(result.panels['line']).toMatchObject({
      kind: 'aggregate',
      query: 'x=date&y=value&agg=mean&filter.tool=eq.Outsourcing',
      annotations: { x: ['2005-03-01', '2006-01-01'], text: ['a book', ''] },
    });
    expect(result.panels['rows']).toMatchObject({
      kind: 'rows',
      query: 'filter.tool=eq.Outsourcing',
    });
    expect(result.panels['pca']).toMatchObject({
      kind: 'analysis',
      data: { explainedVariance: [0.9, 0.1] },
    });
    const notes = calls.find((call) => call.dataset === 'notes');
    expect(notes?.raw).toMatchObject({ 'filter.tool': ['eq.Outsourcing'] });
  });

  it('keeps a failing panel to itself, with the error body the API would send', async () => {
    const { queries } = fakeQueries();
    const result = await executeDashboard(definition, {}, { queries });
    expect(result.panels['bad']).toMatchObject({
      kind: 'error',
      error: { statusCode: 400, code: 'DASHPORT_ERR_UNKNOWN_COLUMN', parameter: 'y' },
    });
    expect(result.panels['gone']).toMatchObject({ kind: 'error', error: { statusCode: 404 } });
    expect(result.panels['line']?.kind).toBe('aggregate');
  });

  it('hides the internals of unexpected errors and reports them', async () => {
    const { queries } = fakeQueries();
    const reported: unknown[] = [];
    const broken: DashboardQueries = {
      ...queries,
      rows: async () => Promise.reject(new Error('socket closed at 10.0.0.1')),
    };
    const result = await executeDashboard(
      definition,
      {},
      { queries: broken, onUnexpectedError: (error) => reported.push(error) },
    );
    expect(result.panels['rows']).toEqual({
      kind: 'error',
      dataset: 'trends',
      error: {
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'the query failed; the server log has the details',
        code: 'DASHPORT_ERR_INTERNAL',
      },
    });
    expect(result.panels['line']).toMatchObject({
      kind: 'aggregate',
      annotationsError: { statusCode: 500 },
    });
    expect(reported).toHaveLength(2);
  });

  it('refuses an unknown filter before running anything', async () => {
    const { calls, queries } = fakeQueries();
    await expect(executeDashboard(definition, { colour: 'red' }, { queries })).rejects.toThrow(
      /unknown filter "colour"/,
    );
    expect(calls).toHaveLength(0);
  });

  it('builds error bodies from the catalog', () => {
    expect(errorBody(new NotFoundError('DASHPORT_ERR_DATASET_NOT_FOUND', 'nope'))).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'nope',
      code: 'DASHPORT_ERR_DATASET_NOT_FOUND',
    });
  });
});

describe('text panels and chained filters', () => {
  const withText: DashboardDefinition = {
    ...definition,
    filters: [
      ...definition.filters,
      {
        column: 'source',
        label: 'Source',
        kind: 'select',
        multiple: true,
        dataset: 'trends',
        defaultValues: [],
        dependsOn: ['tool'],
      },
    ],
    panels: [
      {
        id: 'intro',
        title: '',
        type: 'text',
        dataset: 'trends',
        width: 'full',
        text: '**Mean** {{ mean }}; broken {{ bad }} <script>x</script>',
        values: {
          mean: { dataset: 'trends', y: 'value', agg: 'mean', where: { value: ['gt.0'] } },
          bad: { dataset: 'trends', y: 'nope', agg: 'sum' },
        },
      },
    ],
  };

  it('fills placeholders from filtered aggregates and renders safe HTML', async () => {
    const { queries, calls } = fakeQueries();
    const response = await executeDashboard(withText, {}, { queries });
    const panel = response.panels['intro'];
    expect(panel).toMatchObject({
      kind: 'text',
      html: '<p><strong>Mean</strong> 1.5; broken – &lt;script&gt;x&lt;/script&gt;</p>\n',
    });
    expect(panel?.kind === 'text' && panel.valueErrors?.['bad']?.code).toBe(
      'DASHPORT_ERR_UNKNOWN_COLUMN',
    );
    expect(calls).toContainEqual({
      kind: 'aggregate',
      dataset: 'trends',
      raw: {
        y: 'value',
        agg: 'mean',
        'filter.tool': ['eq.Benchmarking'],
        'filter.value': ['gt.0'],
      },
    });
  });

  it('narrows the options of a filter by the values of the filters it depends on', async () => {
    const { queries, calls } = fakeQueries();
    await executeDashboard(withText, { tool: 'Outsourcing' }, { queries });
    expect(calls).toContainEqual({
      kind: 'aggregate',
      dataset: 'trends',
      raw: { 'filter.tool': ['eq.Outsourcing'], x: 'source', agg: 'count' },
    });
    // The filter it depends on lists every value, unnarrowed.
    expect(calls).toContainEqual({
      kind: 'aggregate',
      dataset: 'trends',
      raw: { x: 'tool', agg: 'count' },
    });
  });
});
