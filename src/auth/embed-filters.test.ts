import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import type { DashboardDefinition, DashboardFilter } from '../shared/dashboard-types.js';
import {
  checkEmbedFilters,
  lockDatasetQuery,
  lockFilters,
  parseFilterFlags,
} from './embed-filters.js';

function filter(column: string): DashboardFilter {
  return {
    column,
    label: column,
    kind: 'select',
    multiple: false,
    dataset: 'trends',
    defaultValues: [],
  };
}

const TOOLS: DashboardDefinition = {
  id: 'tools',
  title: 'Tools',
  dataset: 'trends',
  file: 'tools.yaml',
  filters: [filter('tool'), filter('source')],
  panels: [],
};

describe('parseFilterFlags', () => {
  it('splits at the first =, keeping operators and empty values', () => {
    expect(parseFilterFlags(['tool=Benchmarking', 'source=in.(a,b)', 'x=eq.a=b', 'y='])).toEqual({
      tool: 'Benchmarking',
      source: 'in.(a,b)',
      x: 'eq.a=b',
      y: '',
    });
    expect(parseFilterFlags([])).toEqual({});
  });

  it.each(['tool', '=Benchmarking', ' =x'])('refuses "%s"', (flag) => {
    expect(() => parseFilterFlags([flag])).toThrow(/--filter must be COLUMN=VALUE/);
  });

  it('refuses a filter given twice', () => {
    expect(() => parseFilterFlags(['tool=a', 'tool=b'])).toThrow(/--filter tool is given twice/);
  });
});

describe('checkEmbedFilters', () => {
  it('accepts the dashboard filters', () => {
    expect(() => checkEmbedFilters(TOOLS, { tool: 'a', source: 'b' })).not.toThrow();
  });

  it('names the bad filter and the allowed ones', () => {
    expect(() => checkEmbedFilters(TOOLS, { tool: 'a', colour: 'red' })).toThrow(UsageError);
    expect(() => checkEmbedFilters(TOOLS, { colour: 'red' })).toThrow(
      '--filter colour: dashboard "tools" has no filter "colour"; its filters are: tool, source',
    );
    expect(() => checkEmbedFilters({ ...TOOLS, filters: [] }, { tool: 'a' })).toThrow(
      'its filters are: (none)',
    );
  });
});

describe('lockFilters', () => {
  const locked = { tool: 'Benchmarking' };

  it('adds the locked values and keeps the open filters', () => {
    expect(lockFilters({ source: 'crossref' }, locked)).toEqual({
      ok: true,
      query: { source: 'crossref', tool: 'Benchmarking' },
    });
    expect(lockFilters({}, {})).toEqual({ ok: true, query: {} });
  });

  it.each([['Benchmarking'], ['eq.Benchmarking'], [['Benchmarking']]])(
    'accepts the locked value written as %j',
    (given) => {
      expect(lockFilters({ tool: given }, locked)).toEqual({
        ok: true,
        query: { tool: 'Benchmarking' },
      });
    },
  );

  it.each([['Other'], [''], ['neq.Benchmarking'], [['Benchmarking', 'Other']], [[]]])(
    'refuses another value %j, naming the filter',
    (given) => {
      expect(lockFilters({ tool: given, source: 'crossref' }, locked)).toEqual({
        ok: false,
        filter: 'tool',
        locked: 'Benchmarking',
      });
    },
  );

  it('locks "no filter" as an empty value', () => {
    expect(lockFilters({ tool: '' }, { tool: '' })).toMatchObject({ ok: true });
    expect(lockFilters({ tool: 'a' }, { tool: '' })).toMatchObject({ ok: false, filter: 'tool' });
  });

  it('does not change the query it was given', () => {
    const query = { source: ['a', 'b'] };
    lockFilters(query, locked);
    expect(query).toEqual({ source: ['a', 'b'] });
  });
});

describe('lockDatasetQuery', () => {
  const columns = ['date', 'tool', 'group'];
  const parameters = ['select', 'order', 'limit', 'offset', 'format', 'group'];

  it('adds each locked filter whose column the dataset has', () => {
    expect(
      lockDatasetQuery({ select: 'tool' }, { tool: 'B', colour: 'red' }, columns, parameters),
    ).toEqual({ ok: true, query: { select: 'tool', 'filter.tool': 'eq.B' } });
    expect(lockDatasetQuery({}, { source: 'in.(a,b)' }, ['source'], [])).toEqual({
      ok: true,
      query: { 'filter.source': 'in.(a,b)' },
    });
  });

  it('accepts the locked filter restated, in either spelling', () => {
    for (const query of [{ 'filter.tool': 'eq.B' }, { tool: 'eq.B' }]) {
      expect(lockDatasetQuery(query, { tool: 'B' }, columns, parameters)).toEqual({
        ok: true,
        query: { 'filter.tool': 'eq.B' },
      });
    }
  });

  it.each([
    [{ 'filter.tool': 'eq.A' }],
    [{ tool: 'neq.B' }],
    [{ 'filter.tool': ['eq.B', 'eq.A'] }],
  ])('refuses another filter on a locked column: %j', (query) => {
    expect(lockDatasetQuery(query, { tool: 'B' }, columns, parameters)).toEqual({
      ok: false,
      filter: 'tool',
      locked: 'B',
    });
  });

  it('leaves a parameter sharing a locked column name alone and locks the column', () => {
    expect(lockDatasetQuery({ group: 'tool' }, { group: 'g1' }, columns, parameters)).toEqual({
      ok: true,
      query: { group: 'tool', 'filter.group': 'eq.g1' },
    });
  });

  it('adds nothing for a lock on "no filter"', () => {
    expect(lockDatasetQuery({ tool: 'eq.A' }, { tool: '' }, columns, parameters)).toEqual({
      ok: true,
      query: { tool: 'eq.A' },
    });
  });
});
