import { describe, expect, it } from 'vitest';
import { aggregateTable, correlationTable, pcaTable, profilesTable } from './chart-table.js';

const META = { rowsScanned: 1, cached: false, durationMs: 1 };

describe('chart data as tables', () => {
  it('puts x first and one column per series', () => {
    const table = aggregateTable(
      {
        x: ['2020-01-01', '2020-02-01'],
        series: [
          { name: 'a', y: [1, null] },
          { name: 'b', y: [3, 4] },
        ],
        meta: META,
      },
      'date',
    );
    expect(table).toEqual({
      columns: ['date', 'a', 'b'],
      rows: [
        ['2020-01-01', 1, 3],
        ['2020-02-01', null, 4],
      ],
    });
  });

  it('turns a group-only aggregate into one row per group', () => {
    const table = aggregateTable(
      {
        x: ['all'],
        series: [
          { name: 'US', y: [5] },
          { name: 'other', y: [9] },
        ],
        meta: META,
      },
      '',
    );
    expect(table).toEqual({
      columns: ['group', 'value'],
      rows: [
        ['US', 5],
        ['other', 9],
      ],
    });
  });

  it('shapes the analyses', () => {
    expect(
      pcaTable({
        dataset: 'd',
        columns: [],
        explainedVariance: [0.5, 0.2],
        points: { x: [1], y: [2], label: ['n'] },
        labelColumn: 'label',
        sampleRows: 1,
      }),
    ).toEqual({
      columns: ['pc1', 'pc2', 'label'],
      rows: [[1, 2, 'n']],
    });
    expect(
      correlationTable({
        dataset: 'd',
        columns: ['a', 'b'],
        matrix: [
          [1, 0.5],
          [0.5, 1],
        ],
        sampleRows: 2,
      }).rows,
    ).toEqual([
      ['a', 1, 0.5],
      ['b', 0.5, 1],
    ]);
    expect(
      profilesTable({
        dataset: 'd',
        labelColumn: 'label',
        columns: ['c0', 'c1'],
        samplesPerClass: 1,
        classes: [{ label: '0', count: 3, mean: [0.1, 0.2], samples: [] }],
      }),
    ).toEqual({
      columns: ['label', 'count', 'c0', 'c1'],
      rows: [['0', 3, 0.1, 0.2]],
    });
  });
});
