import { describe, expect, it } from 'vitest';
import type { DashboardFilter } from '../../../src/shared/dashboard-types.js';
import {
  checkedValues,
  dataQuery,
  dateRangeOf,
  dateRangeValues,
  effectiveFilterValues,
  multiValues,
  selectValues,
  selectedValue,
  withFilterValues,
} from './url-filters.js';

const tool: DashboardFilter = {
  column: 'tool',
  label: 'Tool',
  kind: 'select',
  multiple: false,
  dataset: 't',
  defaultValues: ['Benchmarking'],
};
const source: DashboardFilter = {
  column: 'source',
  label: 'Source',
  kind: 'select',
  multiple: true,
  dataset: 't',
  defaultValues: [],
};
const date: DashboardFilter = {
  column: 'date',
  label: 'Date',
  kind: 'date-range',
  multiple: false,
  dataset: 't',
  defaultValues: [],
};
const filters = [tool, source, date];

describe('URL filter state', () => {
  it('reads URL values, else defaults; an empty value means no filter', () => {
    expect(effectiveFilterValues('', filters)).toEqual({
      tool: ['Benchmarking'],
      source: [],
      date: [],
    });
    expect(effectiveFilterValues('?tool=Outsourcing&source=in.(a,b)', filters)).toEqual({
      tool: ['Outsourcing'],
      source: ['in.(a,b)'],
      date: [],
    });
    expect(effectiveFilterValues('?tool=', filters).tool).toEqual([]);
  });

  it('passes only declared filters to the data request, in declaration order', () => {
    expect(dataQuery('?date=gte.2020-01-01&utm=x&tool=A&date=lt.2021-01-01', filters)).toBe(
      'tool=A&date=gte.2020-01-01&date=lt.2021-01-01',
    );
  });

  it('writes a change into the URL: default dropped, "all" kept as an empty value when it is not the default', () => {
    expect(withFilterValues('', tool, ['Outsourcing'])).toBe('?tool=Outsourcing');
    expect(withFilterValues('?tool=Outsourcing', tool, ['Benchmarking'])).toBe('');
    expect(withFilterValues('?source=in.(a)', tool, [])).toBe('?source=in.%28a%29&tool=');
    expect(withFilterValues('?source=in.(a)', source, [])).toBe('');
    expect(withFilterValues('', date, ['gte.2020-01-01', 'lt.2020-02-01'])).toBe(
      '?date=gte.2020-01-01&date=lt.2020-02-01',
    );
  });

  it('maps single selects to bare values, escaping values that look like operators', () => {
    expect(selectValues('Outsourcing')).toEqual(['Outsourcing']);
    expect(selectValues('in.(x)')).toEqual(['eq.in.(x)']);
    expect(selectValues('')).toEqual([]);
    expect(selectedValue(['eq.in.(x)'])).toBe('in.(x)');
    expect(selectedValue([])).toBe('');
    expect(selectedValue(['gt.5'])).toBeUndefined();
  });

  it('maps multi-selects to in.(…) lists, quoting items with commas and parentheses', () => {
    expect(multiValues(['a', 'b, c', 'd(e)'])).toEqual(['in.(a,"b, c","d(e)")']);
    expect(checkedValues(['in.(a,"b, c","d(e)")'])).toEqual(['a', 'b, c', 'd(e)']);
    expect(checkedValues(['in.("say \\"hi\\"",x)'])).toEqual(['say "hi"', 'x']);
    expect(multiValues([])).toEqual([]);
    expect(checkedValues(['Benchmarking'])).toEqual(['Benchmarking']);
  });

  it('maps an inclusive date range to gte/lt values and back', () => {
    expect(dateRangeValues('2024-11-23', '2024-11-30')).toEqual([
      'gte.2024-11-23',
      'lt.2024-12-01',
    ]);
    expect(dateRangeValues('', '2024-12-31')).toEqual(['lt.2025-01-01']);
    expect(dateRangeOf(['gte.2024-11-23', 'lt.2024-12-01'])).toEqual({
      from: '2024-11-23',
      to: '2024-11-30',
    });
    expect(dateRangeOf(['lte.2024-02-29'])).toEqual({ to: '2024-02-29' });
  });
});
