import { describe, expect, it } from 'vitest';
import { BadParameterError, MeasureSyntaxError, UnknownColumnError } from '../../errors.js';
import { buildAggregateSql } from './build-aggregate-sql.js';
import {
  MEASURE_FUNCTIONS,
  MEASURE_MAX_DEPTH,
  type MeasureNode,
  aggregateNodes,
  parseMeasure,
} from './measure-expression.js';
import { AGG_FUNCTIONS, parseAggregateQuery, parseSchemaMeasure } from './parse-aggregate-query.js';
import type { SchemaColumn } from './query-types.js';

const EVIL = '"; DROP TABLE x; --';
const schema: readonly SchemaColumn[] = [
  { name: 'revenue', type: 'float' },
  { name: 'units', type: 'integer' },
  { name: 'region', type: 'string' },
  { name: 'day', type: 'date' },
  { name: EVIL, type: 'integer' },
  { name: 'sum(units)', type: 'integer' },
];

/** The tree as fully parenthesised text, to read precedence at a glance. */
function show(node: MeasureNode): string {
  switch (node.kind) {
    case 'number':
      return String(node.value);
    case 'aggregate':
      return `${node.fn}(${node.column ?? '*'})`;
    case 'negate':
      return `(-${show(node.operand)})`;
    case 'binary':
      return `(${show(node.left)} ${node.op} ${show(node.right)})`;
  }
}

function syntaxError(text: string): MeasureSyntaxError {
  try {
    parseMeasure(text);
  } catch (error) {
    if (error instanceof MeasureSyntaxError) return error;
    throw error;
  }
  throw new Error(`${text} parsed`);
}

describe('parseMeasure', () => {
  it('knows the SPEC aggregates, no more and no fewer', () => {
    expect([...MEASURE_FUNCTIONS]).toEqual([...AGG_FUNCTIONS]);
  });

  it('reads precedence and associativity as arithmetic does', () => {
    expect(show(parseMeasure('sum(revenue) / sum(units)').node)).toBe(
      '(sum(revenue) / sum(units))',
    );
    expect(show(parseMeasure('1 + 2 * sum(a) - 3').node)).toBe('((1 + (2 * sum(a))) - 3)');
    expect(show(parseMeasure('sum(a) / sum(b) / 2').node)).toBe('((sum(a) / sum(b)) / 2)');
    expect(show(parseMeasure('(1 + 2) * count()').node)).toBe('((1 + 2) * count(*))');
    expect(show(parseMeasure('-count(*) - -2').node)).toBe('((-count(*)) - (-2))');
    expect(show(parseMeasure('100 × sum(a) ÷ sum(b) − 1').node)).toBe(
      '(((100 * sum(a)) / sum(b)) - 1)',
    );
  });

  it('reads numbers in decimal and exponent notation', () => {
    expect(show(parseMeasure('1.5 * .25 * 2e3 * 1E-2 * 7. * count()').node)).toBe(
      '(((((1.5 * 0.25) * 2000) * 0.01) * 7) * count(*))',
    );
  });

  it('reads quoted column names with doubled quotes and function names in any case', () => {
    const measure = parseMeasure('SUM("my ""odd"" col") + Mean(x)');
    expect(aggregateNodes(measure.node).map((call) => [call.fn, call.column])).toEqual([
      ['sum', 'my "odd" col'],
      ['mean', 'x'],
    ]);
  });

  it('gives each problem its 1-based position', () => {
    expect(syntaxError('sum(revenue) / sum(').position).toBe(20);
    expect(syntaxError('sum(revenue) +').position).toBe(15);
    expect(syntaxError('sum(revenue) $ 2').position).toBe(14);
    expect(syntaxError('avg(revenue)').message).toMatch(/unknown function "avg".*position 1/);
    expect(syntaxError('revenue / 2').message).toMatch(/needs an aggregate, e.g. sum\(revenue\)/);
    expect(syntaxError('sum()').message).toMatch(/sum needs a column.*position 5/);
    expect(syntaxError('(sum(a)').message).toMatch(/expected "\)" to close the "\(" at 1/);
    expect(syntaxError('sum(a) 2').message).toMatch(/unexpected "2".*position 8/);
    expect(syntaxError('1 + 2').message).toMatch(/at least one aggregate/);
    expect(syntaxError('sum(a, b)').position).toBe(6);
    expect(syntaxError('1e999 * count()').message).toMatch(/out of range/);
    expect(syntaxError('sum("a').message).toMatch(/unterminated/);
    expect(syntaxError('2x * count()').position).toBe(2);
  });

  it('names the parameter it was given as', () => {
    expect(() => parseMeasure('sum(', 'panels[0].y')).toThrow(/^panels\[0\]\.y: /);
    expect(syntaxError('sum(')).toBeInstanceOf(BadParameterError);
  });

  it('bounds nesting, length and the number of aggregates', () => {
    const deep = `${'('.repeat(MEASURE_MAX_DEPTH + 2)}count()${')'.repeat(MEASURE_MAX_DEPTH + 2)}`;
    expect(syntaxError(deep).message).toMatch(/nested deeper/);
    expect(syntaxError(`${'-'.repeat(100)}count()`).message).toMatch(/nested deeper/);
    expect(syntaxError(`count() + ${'1+'.repeat(300)}1`).message).toMatch(/at most 500/);
    expect(syntaxError(Array.from({ length: 17 }, () => 'count()').join('+')).message).toMatch(
      /more than 16 aggregates/,
    );
  });

  it('refuses SQL dressed as a measure', () => {
    for (const text of [
      'sum(revenue); DROP TABLE items',
      'sum(revenue) -- comment',
      "sum(revenue) + '1'",
      'sum(revenue) || 1',
      'sum(revenue) FROM items',
      'sum(revenue)/*x*/',
      'sum(1)',
      'sum(revenue::text)',
      'pg_sleep(10) + count()',
      'count(*) + 1;',
      '0x10 * count()',
    ]) {
      expect(() => parseMeasure(text), text).toThrow(MeasureSyntaxError);
    }
  });
});

describe('parseSchemaMeasure', () => {
  it('checks every column against the schema, with its position', () => {
    expect(() => parseSchemaMeasure('sum(revenue) / sum(unit)', schema)).toThrow(
      UnknownColumnError,
    );
    expect(() => parseSchemaMeasure('sum(revenue) / sum(unit)', schema)).toThrow(
      /unknown column "unit" at position 20/,
    );
    expect(() => parseSchemaMeasure('sum(region)', schema)).toThrow(
      /sum needs a column of type integer or float; "region" is a string column at position 5/,
    );
    expect(parseSchemaMeasure('distinct(region) + max(day)', schema).text).toBe(
      'distinct(region) + max(day)',
    );
  });

  it('takes a quoted hostile column name only as an identifier', () => {
    const q = parseAggregateQuery({ y: 'sum("""; DROP TABLE x; --")' }, schema);
    const { sql, params } = buildAggregateSql('items', q, schema, 'duckdb');
    expect(sql).toContain('"""; DROP TABLE x; --" AS m0');
    expect(sql).not.toMatch(/[^"]"; DROP/);
    expect(params).toEqual([]);
  });
});

describe('computed measures in the aggregate query', () => {
  it('reads y as a measure when it calls a function and is not a column', () => {
    const q = parseAggregateQuery({ y: 'sum(revenue) / sum(units)', x: 'region' }, schema);
    expect(q.measure?.text).toBe('sum(revenue) / sum(units)');
    expect(q.y).toBeUndefined();
    // A column of that very name is the column.
    const column = parseAggregateQuery({ y: 'sum(units)', agg: 'sum' }, schema);
    expect(column.measure).toBeUndefined();
    expect(column.y).toBe('sum(units)');
  });

  it('refuses agg with a measure', () => {
    expect(() => parseAggregateQuery({ y: 'sum(revenue)', agg: 'mean' }, schema)).toThrow(
      /agg does not combine with a computed measure/,
    );
  });

  it('binds every number and guards every division, in both dialects', () => {
    const q = parseAggregateQuery({ y: '100 * sum(revenue) / (sum(units) - 2.5)' }, schema);
    const duck = buildAggregateSql('items', q, schema, 'duckdb');
    expect(duck.params).toEqual([100, 2.5]);
    expect(duck.sql).toContain('/ nullif(');
    expect(duck.sql).not.toMatch(/\b100\b|2\.5/);
    expect(duck.sql).toContain('CAST($1 AS DOUBLE)');
    const pg = buildAggregateSql('items', q, schema, 'postgres');
    expect(pg.params).toEqual([100, 2.5]);
    expect(pg.sql).toContain('$2::double precision');
  });

  it('numbers take their own numbered placeholders among filters and groups', () => {
    const q = parseAggregateQuery(
      { y: 'sum(revenue) * 2', group: 'region', region: 'neq.x' },
      schema,
    );
    const { sql, params } = buildAggregateSql('items', q, schema, 'postgres', {
      topGroups: ['a'],
    });
    expect(params).toEqual(['x', 2, 'a']);
    expect(sql).toContain('"region" <> $1');
    expect(sql).toContain('* $2::double precision');
    expect(sql).toContain('IN ($3)');
  });
});
