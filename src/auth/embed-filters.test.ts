import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import type { DashboardDefinition, DashboardFilter } from '../shared/dashboard-types.js';
import { checkEmbedFilters, lockFilters, parseFilterFlags } from './embed-filters.js';

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
