import { describe, expect, it } from 'vitest';
import { describeProblem, parseDashboardFile } from './parse-dashboard-file.js';
import { panelQuery } from './panel-query.js';

const file = (panel: string): string => `
title: Sales
dataset: sales
panels:
${panel}
`;

function problemsOf(text: string) {
  const result = parseDashboardFile(text, 'sales.yaml', 'sales');
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('computed measures in dashboard panels', () => {
  it('loads a measure, titles the panel with it and queries y with it', () => {
    const result = parseDashboardFile(
      file('  - { id: price, type: bar, x: region, y: "sum(revenue) / sum(units)" }'),
      'sales.yaml',
      'sales',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const panel = result.definition.panels[0];
    expect(panel?.title).toBe('sum(revenue) / sum(units) by region');
    const query = panelQuery(panel as never, [], {}, ['region', 'revenue', 'units']);
    expect(query).toEqual({
      endpoint: 'aggregate',
      raw: { x: 'region', y: 'sum(revenue) / sum(units)' },
    });
  });

  it('names the file, the path, the line, the column and the position of a syntax error', () => {
    const [problem] = problemsOf(file('  - type: number\n    y: "sum(revenue) / sum("'));
    expect(problem).toMatchObject({ file: 'sales.yaml', path: 'panels[0].y', line: 6 });
    // y: "sum(revenue) / sum("  — the quote is column 8, position 20 is column 28.
    expect(problem?.column).toBe(28);
    expect(problem?.message).toMatch(/expected a column name in sum.*position 20/);
    expect(describeProblem(problem as never)).toMatch(/^sales\.yaml:6:28 panels\[0\]\.y: /);
  });

  it('points at the character in a plain scalar too', () => {
    const [problem] = problemsOf(file('  - type: number\n    y: sum(revenue) $ 2'));
    // The scalar starts at column 8; "$" is its 14th character.
    expect(problem).toMatchObject({ line: 6, column: 21 });
  });

  it('refuses agg beside a measure, and a measure in a scatter or table', () => {
    expect(problemsOf(file('  - { type: number, y: "sum(a)", agg: sum }'))).toEqual([
      expect.objectContaining({
        path: 'panels[0].agg',
        message: expect.stringMatching(/does not combine/),
      }),
    ]);
    expect(problemsOf(file('  - { type: scatter, x: a, y: "sum(a)" }'))[0]?.message).toMatch(
      /takes a column as y/,
    );
  });
});
