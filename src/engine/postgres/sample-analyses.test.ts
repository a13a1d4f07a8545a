import { describe, expect, it } from 'vitest';
import { computeSampleAnalyses } from './sample-analyses.js';

const columns = [
  { name: 'x', type: 'integer' as const },
  { name: 'y', type: 'float' as const },
  { name: 'band', type: 'string' as const },
  { name: 'label', type: 'string' as const },
];
const rows = [
  [1, 2, '20m', 'a'],
  [2, 4, '20m', 'a'],
  [3, 6, '40m', 'b'],
  [4, null, null, 'b'],
  [5, 10, '20m', 'b'],
];

describe('computeSampleAnalyses', () => {
  const analyses = computeSampleAnalyses({
    id: 'pg.t',
    columns,
    rows,
    totalRows: 1000,
    labelColumn: 'label',
    samplesPerClass: 1,
  });

  it('describes numeric columns with statistics and a histogram, others with top values', () => {
    const [x, y, band] = analyses.summary.columns;
    expect(analyses.summary.rows).toBe(1000);
    expect(x?.stats).toMatchObject({ count: 5, nulls: 0, distinct: 5, min: 1, max: 5, mean: 3 });
    expect(x?.stats.std).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(x?.histogram?.counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(y?.stats).toMatchObject({ count: 4, nulls: 1, min: 2, max: 10 });
    expect(band?.stats).toMatchObject({
      count: 4,
      nulls: 1,
      distinct: 2,
      min: '20m',
      max: '40m',
      mean: null,
    });
    expect(band?.top).toEqual([
      { value: '20m', count: 3 },
      { value: '40m', count: 1 },
      { value: null, count: 1 },
    ]);
    expect(band?.histogram).toBeNull();
  });

  it('correlates the numeric columns over pairwise-complete rows', () => {
    if ('notApplicable' in analyses.correlation)
      throw new Error(analyses.correlation.notApplicable);
    expect(analyses.correlation.columns).toEqual(['x', 'y']);
    expect(analyses.correlation.matrix[0]?.[1]).toBeCloseTo(1, 12);
  });

  it('embeds the sample with PCA, labelled', () => {
    if ('notApplicable' in analyses.pca) throw new Error(analyses.pca.notApplicable);
    expect(analyses.pca.points.x).toHaveLength(5);
    expect(analyses.pca.points.label).toEqual(['a', 'a', 'b', 'b', 'b']);
    expect(analyses.pca.explainedVariance[0]).toBeGreaterThan(0.9);
  });

  it('profiles each class', () => {
    if ('notApplicable' in analyses.profiles) throw new Error(analyses.profiles.notApplicable);
    expect(analyses.profiles.classes.map((c) => [c.label, c.count, c.mean])).toEqual([
      ['a', 2, [1.5, 3]],
      ['b', 3, [4, 8]],
    ]);
    expect(analyses.profiles.classes[0]?.samples).toHaveLength(1);
  });

  it('says why an analysis does not apply', () => {
    const plain = computeSampleAnalyses({
      id: 'pg.u',
      columns: [columns[2] as (typeof columns)[number]],
      rows: [['a'], ['b']],
      totalRows: 2,
      labelColumn: undefined,
      samplesPerClass: 5,
    });
    expect(plain.correlation).toEqual({
      notApplicable: 'dataset "pg.u" has fewer than two numeric columns',
    });
    expect(plain.profiles).toMatchObject({
      notApplicable: expect.stringContaining('label_column'),
    });
  });
});
