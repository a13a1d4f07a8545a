import { describe, expect, it } from 'vitest';
import { dashboardJsonSchema } from './dashboard-schema.js';
import { describeProblem, formatPath, parseDashboardFile } from './parse-dashboard-file.js';

const VALID = `
title: Management tools
description: Interest by source
dataset: trends
filters:
  - column: tool
    default: Benchmarking
  - column: source
    multiple: true
    default: [google_trends, crossref]
  - column: date
    type: date-range
    default: { from: 2000-01-01, to: 2010-12-31 }
panels:
  - id: interest
    title: Interest over time
    type: line
    x: date
    bucket: month
    y: value
    agg: mean
    group: source
    annotations: { dataset: notes, time: date, text: note }
  - type: number
  - type: table
    select: date
    where: { value: gt.10, source: [google_trends, "in.(a,b)"] }
`;

function problemsOf(text: string) {
  const result = parseDashboardFile(text, 'broken.yaml', 'broken');
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('parseDashboardFile', () => {
  it('fills in ids, titles, widths, datasets and the URL values of the defaults', () => {
    const result = parseDashboardFile(VALID, 'tools.yaml', 'tools');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { definition } = result;
    expect(definition).toMatchObject({ id: 'tools', file: 'tools.yaml', dataset: 'trends' });
    expect(definition.filters).toEqual([
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
        defaultValues: ['in.(google_trends,crossref)'],
      },
      {
        column: 'date',
        label: 'Date',
        kind: 'date-range',
        multiple: false,
        dataset: 'trends',
        defaultValues: ['gte.2000-01-01', 'lt.2011-01-01'],
      },
    ]);
    const [line, number, table] = definition.panels;
    expect(line).toMatchObject({
      id: 'interest',
      width: 'half',
      dataset: 'trends',
      annotations: { dataset: 'notes' },
    });
    expect(number).toMatchObject({ id: 'panel-2', title: 'Rows', type: 'number' });
    expect(table).toMatchObject({
      id: 'panel-3',
      width: 'full',
      select: ['date'],
      where: { value: ['gt.10'], source: ['eq.google_trends', 'in.(a,b)'] },
    });
  });

  it('names the path and line of an unknown panel type', () => {
    const problems = problemsOf('title: T\ndataset: d\npanels:\n  - type: pie\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'broken.yaml', path: 'panels[0].type', line: 4 });
    expect(problems[0]?.message).toMatch(/line.*number/);
  });

  it('reports a misspelled key at its own line', () => {
    const problems = problemsOf(
      'title: T\ndataset: d\npanels:\n  - type: line\n    x: date\n    colour: red\n',
    );
    expect(problems).toEqual([
      { file: 'broken.yaml', path: 'panels[0].colour', line: 6, message: 'unknown key "colour"' },
    ]);
  });

  it('checks what each panel type needs and refuses keys that do not apply', () => {
    const problems = problemsOf(
      [
        'title: T',
        'dataset: d',
        'panels:',
        '  - type: line', //           no x
        '  - type: scatter', //        no x, no y
        '  - type: table', //          aggregate key on a rows panel
        '    bucket: day',
        '  - type: bar', //            mean without y
        '    x: a',
        '    agg: mean',
        '  - type: histogram', //      bucket on a histogram, with bins
        '    x: v',
        '    bucket: day',
        '    bins: 10',
        '  - type: pca', //            filters do not apply to analyses
        '    where: { a: b }',
      ].join('\n'),
    );
    const paths = problems.map((problem) => problem.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'panels[0].x',
        'panels[1].x',
        'panels[1].y',
        'panels[2].bucket',
        'panels[3].y',
        'panels[4].bins',
        'panels[4].bucket',
        'panels[5].where',
      ]),
    );
  });

  it('refuses duplicate panel ids and filter columns', () => {
    const problems = problemsOf(
      'title: T\ndataset: d\nfilters:\n  - column: a\n  - column: a\npanels:\n  - { id: p, type: number }\n  - { id: p, type: number }\n',
    );
    expect(problems.map((problem) => problem.path).sort()).toEqual([
      'filters[1].column',
      'panels[1].id',
    ]);
  });

  it('refuses defaults that do not fit the filter', () => {
    const problems = problemsOf(
      'title: T\ndataset: d\nfilters:\n  - column: a\n    default: [x, y]\n  - column: d\n    type: date-range\n    default: 2020-01-01\npanels:\n  - type: number\n',
    );
    expect(problems.map((problem) => problem.path)).toEqual([
      'filters[0].default',
      'filters[1].default',
    ]);
  });

  it('reports YAML syntax errors with their line, and keeps the title when it can', () => {
    const problems = problemsOf('title: T\ndataset: d\npanels:\n  - type: line\n   x: : date\n');
    expect(problems[0]?.line).toBeGreaterThanOrEqual(4);
    expect(problems[0]?.message).toMatch(/^not valid YAML/);
    const result = parseDashboardFile('title: Kept\ndataset: d\n', 'x.yaml', 'x');
    expect(result).toMatchObject({ ok: false, title: 'Kept', problems: [{ path: 'panels' }] });
  });

  it('refuses a file that is not a mapping', () => {
    expect(problemsOf('- a\n- b\n')[0]?.message).toMatch(/mapping/);
  });
});

describe('formatPath and describeProblem', () => {
  it('write paths and problems the way the docs show them', () => {
    expect(formatPath(['panels', 2, 'annotations', 'text'])).toBe('panels[2].annotations.text');
    expect(formatPath([])).toBe('');
    expect(describeProblem({ file: 'a.yaml', path: 'panels[0].x', line: 7, message: 'm' })).toBe(
      'a.yaml:7 panels[0].x: m',
    );
    expect(describeProblem({ file: 'a.yaml', path: '', message: 'm' })).toBe('a.yaml: m');
  });
});

describe('dashboardJsonSchema', () => {
  it('describes the file for editors: the required keys and the panel types', () => {
    const schema = dashboardJsonSchema() as {
      required?: string[];
      properties?: Record<string, unknown>;
    };
    expect(schema.required).toEqual(expect.arrayContaining(['title', 'dataset', 'panels']));
    expect(JSON.stringify(schema.properties?.['panels'])).toContain('"heatmap"');
    expect(JSON.stringify(schema)).toContain('date-range');
  });
});
