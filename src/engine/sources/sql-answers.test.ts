import { describe, expect, it } from 'vitest';
import { parseAggregateQuery } from '../sql/parse-aggregate-query.js';
import type { SqlStatement } from '../sql/query-types.js';
import type { RowsPage, ServedDataset } from './dataset-source.js';
import { type SqlRunner, answerAggregate, statsBinRange } from './sql-answers.js';

const dataset: ServedDataset = {
  id: 'spots',
  version: 'v1',
  updatedAt: undefined,
  columns: [
    { name: 'band', type: 'string', nullable: true },
    { name: 'freq', type: 'float', nullable: false, stats: statsOf(1, 9) },
  ],
  relation: 'spots_view',
};

function statsOf(min: number, max: number) {
  return { count: 9, nulls: 0, distinct: 9, min, max, mean: 5, std: 1, quantiles: null };
}

/** Records each statement and answers from `answers` in turn. */
function recordingRunner(answers: RowsPage[]): SqlRunner & { statements: SqlStatement[] } {
  const statements: SqlStatement[] = [];
  return {
    dialect: 'duckdb',
    statements,
    async query(statement) {
      statements.push(statement);
      return answers.shift() ?? { columns: [], rows: [] };
    },
  };
}

describe('answerAggregate', () => {
  it('finds the top groups first when the aggregate cannot be folded', async () => {
    const runner = recordingRunner([
      {
        columns: ['g', 'n'],
        rows: [
          ['20m', 5],
          ['40m', 3],
          ['80m', 1],
        ],
      },
      {
        columns: ['x', 'g', 'v', 'n'],
        rows: [
          ['all', '20m', 14.1, 5],
          ['all', 'other', 7, 4],
        ],
      },
    ]);
    const query = parseAggregateQuery(
      { agg: 'median', y: 'freq', group: 'band', top: '1' },
      dataset.columns,
    );
    const shaped = await answerAggregate(runner, dataset, query);
    expect(runner.statements).toHaveLength(2);
    expect(runner.statements[0]?.sql).toContain('LIMIT');
    expect(runner.statements[1]?.params).toContain('20m');
    expect(shaped.series.map((s) => s.name)).toEqual(['20m', 'other']);
  });

  it('asks for the bin range over the filtered rows unless the source knows it', async () => {
    const query = parseAggregateQuery({ x: 'freq', bins: '2' }, dataset.columns);
    const asking = recordingRunner([{ columns: ['min', 'max'], rows: [[2, 4]] }]);
    const asked = await answerAggregate(asking, dataset, query);
    expect(asking.statements[0]?.sql).toMatch(/^SELECT min\(/);
    expect(asked.x).toEqual([2, 3]);
    const knowing = recordingRunner([]);
    const known = await answerAggregate(knowing, dataset, query, {
      binRange: (q) => statsBinRange(dataset, q),
    });
    expect(knowing.statements).toHaveLength(1);
    expect(known.x).toEqual([1, 5]);
  });
});
