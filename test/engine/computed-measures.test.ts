/**
 * Computed measures (`y: "sum(revenue) / sum(units)"`) answered by both engines — DuckDB and
 * PostgreSQL — through the same steps a dataset source takes (answerAggregate), against an
 * oracle that evaluates the measure in plain JS over the rows of each cell. Random measures
 * (fast-check) over a table with NULLs, zeros (division by zero) and groups past `top`.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuckDb, createDuckDb } from '../../src/engine/duckdb.js';
import type { ServedDataset } from '../../src/engine/sources/dataset-source.js';
import { type SqlRunner, answerAggregate } from '../../src/engine/sources/sql-answers.js';
import { type MeasureNode, parseMeasure } from '../../src/engine/sql/measure-expression.js';
import { parseAggregateQuery } from '../../src/engine/sql/parse-aggregate-query.js';
import type { AggFunction, RawQuery } from '../../src/engine/sql/query-types.js';
import { mulberry32 } from '../../src/analysis/mulberry32.js';
import {
  TEST_DATABASE_URL,
  dropSchema,
  requirePostgres,
  scratchSchemaName,
} from './postgres/private-postgres.js';

interface Row {
  readonly region: string | null;
  readonly revenue: number | null;
  readonly units: number | null;
  readonly returns: number;
}

const COLUMNS = [
  { name: 'region', type: 'string', nullable: true },
  { name: 'revenue', type: 'float', nullable: true },
  { name: 'units', type: 'integer', nullable: true },
  { name: 'returns', type: 'integer', nullable: false },
] as const;
const NUMERIC = ['revenue', 'units', 'returns'] as const;
const REGIONS = ['north', 'south', 'east', 'west', null];

function makeRows(): Row[] {
  const random = mulberry32(11);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: 240 }, () => ({
    region: pick(REGIONS),
    // Quarters add up exactly in binary floats, so sums do not depend on the engine's order.
    revenue: random() < 0.1 ? null : Math.floor(random() * 400) / 4,
    units: random() < 0.1 ? null : Math.floor(random() * 9),
    // Zero for every "east" row: sum(returns) is 0 there, a division by zero.
    returns: 0,
  })).map((row) => (row.region === 'east' ? row : { ...row, returns: Math.floor(random() * 5) }));
}
const ROWS = makeRows();

const schemaName = scratchSchemaName('dashport_measures');
let duck: DuckDb;
let client: pg.Client;
const runners: Record<'duckdb' | 'postgres', () => { runner: SqlRunner; dataset: ServedDataset }> =
  {
    duckdb: () => ({
      runner: {
        dialect: 'duckdb',
        async query(statement) {
          const result = await duck.query(statement.sql, statement.params);
          return { columns: result.columns, rows: result.rows as never };
        },
      },
      dataset: dataset('sales'),
    }),
    postgres: () => ({
      runner: {
        dialect: 'postgres',
        async query(statement) {
          const result = await client.query({
            text: statement.sql,
            values: [...statement.params],
            rowMode: 'array',
          });
          return { columns: result.fields.map((f) => f.name), rows: result.rows as never };
        },
      },
      dataset: dataset([schemaName, 'sales']),
    }),
  };

function dataset(relation: string | readonly string[]): ServedDataset {
  return { id: 'sales', version: '1', updatedAt: undefined, columns: COLUMNS, relation };
}

beforeAll(async () => {
  await requirePostgres();
  duck = await createDuckDb({ threads: 1, connections: 1, queryTimeoutMs: 30_000 });
  await duck.run(
    'CREATE TABLE sales (region VARCHAR, revenue DOUBLE, units BIGINT, returns BIGINT)',
  );
  client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA "${schemaName}"`);
  await client.query(
    `CREATE TABLE "${schemaName}".sales (region text, revenue double precision, units bigint, returns bigint)`,
  );
  for (const row of ROWS) {
    const values = [row.region, row.revenue, row.units, row.returns];
    await duck.run('INSERT INTO sales VALUES ($1, $2, $3, $4)', values);
    await client.query(`INSERT INTO "${schemaName}".sales VALUES ($1, $2, $3, $4)`, values);
  }
}, 60_000);

afterAll(async () => {
  duck?.close();
  await client?.end().catch(() => undefined);
  await dropSchema(schemaName);
});

function aggregateOf(fn: AggFunction, column: keyof Row | undefined, rows: readonly Row[]) {
  if (column === undefined) return rows.length;
  const values = rows.map((row) => row[column]).filter((value) => value !== null);
  if (fn === 'count') return values.length;
  if (fn === 'distinct') return new Set(values).size;
  const numbers = (values as number[]).slice().sort((a, b) => a - b);
  if (numbers.length === 0) return null;
  switch (fn) {
    case 'sum':
      return numbers.reduce((a, b) => a + b, 0);
    case 'mean':
      return numbers.reduce((a, b) => a + b, 0) / numbers.length;
    case 'min':
      return numbers[0] as number;
    case 'max':
      return numbers.at(-1) as number;
    case 'median': {
      const middle = (numbers.length - 1) / 2;
      const low = numbers[Math.floor(middle)] as number;
      const high = numbers[Math.ceil(middle)] as number;
      return low + (high - low) * (middle - Math.floor(middle));
    }
  }
}

/** The oracle: the measure over `rows`, NULL-propagating, x / 0 is NULL. */
function evaluate(node: MeasureNode, rows: readonly Row[]): number | null {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'aggregate':
      return aggregateOf(node.fn, node.column as keyof Row | undefined, rows);
    case 'negate': {
      const value = evaluate(node.operand, rows);
      return value === null ? null : -value;
    }
    case 'binary': {
      const left = evaluate(node.left, rows);
      const right = evaluate(node.right, rows);
      if (left === null || right === null) return null;
      if (node.op === '/') return right === 0 ? null : left / right;
      return node.op === '+' ? left + right : node.op === '-' ? left - right : left * right;
    }
  }
}

function expectClose(actual: readonly (number | null)[], expected: readonly (number | null)[]) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, index) => {
    const want = expected[index] ?? null;
    if (want === null || value === null) expect(value, `cell ${index}`).toBe(want);
    else
      expect(Math.abs(value - want), `cell ${index}: ${value} vs ${want}`).toBeLessThanOrEqual(
        1e-9 * Math.max(1, Math.abs(want)),
      );
  });
}

async function answer(engine: 'duckdb' | 'postgres', raw: RawQuery) {
  const { runner, dataset: served } = runners[engine]();
  return answerAggregate(runner, served, parseAggregateQuery(raw, COLUMNS));
}

const label = (region: string | null): string => region ?? 'null';

const measureText: fc.Arbitrary<string> = fc
  .letrec<{ measure: string; leaf: string }>((tie) => ({
    leaf: fc.oneof(
      fc
        .constantFrom(...NUMERIC)
        .chain((column) =>
          fc
            .constantFrom('sum', 'mean', 'min', 'max', 'median', 'count', 'distinct')
            .map((fn) => `${fn}(${column})`),
        ),
      fc.constant('count(*)'),
      fc.constant('distinct(region)'),
      fc.integer({ min: 0, max: 8 }).map((n) => String(n / 2)),
    ),
    measure: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('leaf'),
      fc
        .tuple(tie('measure'), fc.constantFrom('+', '-', '*', '/'), tie('measure'))
        .map(([left, op, right]) => `(${left} ${op} ${right})`),
      tie('measure').map((inner) => `-${inner}`),
    ),
  }))
  .measure.filter((text) => text.includes('('));

describe.each(['duckdb', 'postgres'] as const)('computed measures in %s', (engine) => {
  it('sum(revenue) / sum(units) per region, with NULL where the divisor is 0', async () => {
    const result = await answer(engine, { x: 'region', y: 'sum(revenue) / sum(returns)' });
    const named = [...new Set(ROWS.map((row) => row.region).filter((r) => r !== null))].sort();
    expect(result.x).toEqual([...named, null]);
    const measure = parseMeasure('sum(revenue) / sum(returns)');
    expect(result.series.map((series) => series.name)).toEqual(['sum(revenue) / sum(returns)']);
    const expected = result.x.map((x) =>
      evaluate(
        measure.node,
        ROWS.filter((row) => row.region === x),
      ),
    );
    expectClose(result.series[0]?.y ?? [], expected);
    expect(result.series[0]?.y[result.x.indexOf('east')]).toBeNull();
  });

  it('folds the groups past top into other, computed over their rows', async () => {
    const text = '100 * sum(units) / count(*)';
    const result = await answer(engine, { group: 'region', top: '2', y: text, units: 'gte.1' });
    const rows = ROWS.filter((row) => row.units !== null && row.units >= 1);
    const sizes = new Map<string, number>();
    for (const row of rows) sizes.set(label(row.region), (sizes.get(label(row.region)) ?? 0) + 1);
    const top = [...sizes.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 2)
      .map(([name]) => name);
    const measure = parseMeasure(text);
    const byName = new Map(result.series.map((series) => [series.name, series.y[0] ?? null]));
    expect([...byName.keys()].sort()).toEqual([...top, 'other'].sort());
    for (const name of top) {
      expectClose(
        [byName.get(name) ?? null],
        [
          evaluate(
            measure.node,
            rows.filter((row) => label(row.region) === name),
          ),
        ],
      );
    }
    const rest = rows.filter((row) => !top.includes(label(row.region)));
    expectClose([byName.get('other') ?? null], [evaluate(measure.node, rest)]);
  });

  it('random measures agree with the oracle', async () => {
    await fc.assert(
      fc.asyncProperty(measureText, async (text) => {
        const result = await answer(engine, { x: 'region', y: text });
        const measure = parseMeasure(text);
        expectClose(
          result.series[0]?.y ?? [],
          result.x.map((x) =>
            evaluate(
              measure.node,
              ROWS.filter((row) => row.region === x),
            ),
          ),
        );
      }),
      { seed: 20_261_203, numRuns: 60 },
    );
  }, 120_000);
});
