/**
 * GET /api/v1/datasets/{id}/rows as JSON: select, order, paging and every filter operator,
 * each answer compared with the fixture rows filtered and sorted in JS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowsResponse } from '../../../../src/shared/api-types.js';
import {
  MEASUREMENTS,
  MEASUREMENT_COLUMNS,
  type Measurement,
} from '../../../helpers/fixture-data.js';
import { type FixtureApp, createFixtureApp, query } from '../../../helpers/fixture-app.js';
import { type SortKey, likeRegExp, project, sortRows } from '../../../helpers/oracle.js';

let fixture: FixtureApp;

beforeAll(async () => {
  fixture = await createFixtureApp('rows');
});

afterAll(async () => {
  await fixture?.close();
});

async function rows(
  pairs: readonly (readonly [string, string])[],
  id = 'measurements',
): Promise<RowsResponse> {
  const response = await fixture.app.inject(`/api/v1/datasets/${id}/rows?${query(pairs)}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as RowsResponse;
}

async function rowsError(
  pairs: readonly (readonly [string, string])[],
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fixture.app.inject(`/api/v1/datasets/measurements/rows?${query(pairs)}`);
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

/** The ids the API returns for `filters` (ordered by id), and the ids the oracle expects. */
async function filteredIds(
  filters: readonly (readonly [string, string])[],
  keep: (row: Measurement) => boolean,
): Promise<[unknown[], number[]]> {
  const result = await rows([...filters, ['select', 'id'], ['order', 'id'], ['limit', '10000']]);
  return [result.rows.map((row) => row[0]), MEASUREMENTS.filter(keep).map((row) => row.id)];
}

describe('paging and projection', () => {
  it('answers every column, 100 rows by default', async () => {
    const result = await rows([['order', 'id']]);
    expect(result.columns).toEqual([...MEASUREMENT_COLUMNS]);
    expect(result.limit).toBe(100);
    expect(result.offset).toBe(0);
    expect(result.rows).toEqual(project(MEASUREMENTS.slice(0, 100), MEASUREMENT_COLUMNS));
  });

  it('selects columns in the order asked, once each', async () => {
    const result = await rows([
      ['select', 'name,id,name,ts'],
      ['order', 'id'],
      ['limit', '5'],
    ]);
    expect(result.columns).toEqual(['name', 'id', 'ts']);
    expect(result.rows).toEqual(project(MEASUREMENTS.slice(0, 5), ['name', 'id', 'ts']));
  });

  it('pages with limit and offset', async () => {
    const result = await rows([
      ['select', 'id'],
      ['order', 'id'],
      ['limit', '7'],
      ['offset', '10'],
    ]);
    expect(result).toMatchObject({ limit: 7, offset: 10 });
    expect(result.rows).toEqual([[11], [12], [13], [14], [15], [16], [17]]);
  });

  it('answers an empty page past the end and for limit=0', async () => {
    expect((await rows([['offset', '1000']])).rows).toEqual([]);
    expect((await rows([['limit', '0']])).rows).toEqual([]);
  });

  it('allows limit up to 10000 and refuses more', async () => {
    expect((await rows([['limit', '10000']])).rows).toHaveLength(MEASUREMENTS.length);
    const { status, body } = await rowsError([['limit', '10001']]);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      code: 'DASHPORT_ERR_BAD_PARAMETER',
      parameter: 'limit',
      message: 'limit must be an integer 0-10000, got "10001"',
    });
  });

  it.each([['-1'], ['ten'], ['1.5']])('refuses limit and offset %s', async (value) => {
    expect((await rowsError([['limit', value]])).body['parameter']).toBe('limit');
    expect((await rowsError([['offset', value]])).body['parameter']).toBe('offset');
  });
});

describe('order', () => {
  const cases: [string, SortKey[]][] = [
    [
      'score.desc,id',
      [
        ['score', 'desc'],
        ['id', 'asc'],
      ],
    ],
    [
      'label.desc,score.asc,id',
      [
        ['label', 'desc'],
        ['score', 'asc'],
        ['id', 'asc'],
      ],
    ],
    [
      'category,flag.desc,id.desc',
      [
        ['category', 'asc'],
        ['flag', 'desc'],
        ['id', 'desc'],
      ],
    ],
    [
      'maybe.asc,id',
      [
        ['maybe', 'asc'],
        ['id', 'asc'],
      ],
    ],
    [
      'maybe.desc,id.desc',
      [
        ['maybe', 'desc'],
        ['id', 'desc'],
      ],
    ],
    ['day.desc', [['day', 'desc']]],
    ['ts.asc', [['ts', 'asc']]],
    [
      'name.asc,id',
      [
        ['name', 'asc'],
        ['id', 'asc'],
      ],
    ],
  ];

  it.each(cases)('order=%s sorts like the oracle, nulls last', async (order, keys) => {
    const result = await rows([
      ['order', order],
      ['limit', '10000'],
    ]);
    expect(result.rows).toEqual(project(sortRows(MEASUREMENTS, keys), MEASUREMENT_COLUMNS));
  });

  it('puts nulls first when asked', async () => {
    const result = await rows([
      ['select', 'maybe'],
      ['order', 'maybe.asc.nullsfirst,id'],
      ['limit', '10000'],
    ]);
    const nulls = MEASUREMENTS.filter((row) => row.maybe === null).length;
    expect(result.rows.slice(0, nulls).every(([value]) => value === null)).toBe(true);
    expect(result.rows[nulls]?.[0]).toBe(
      Math.min(...MEASUREMENTS.flatMap((row) => (row.maybe === null ? [] : [row.maybe]))),
    );
  });

  it('refuses an unknown direction', async () => {
    const { status, body } = await rowsError([['order', 'id.sideways']]);
    expect(status).toBe(400);
    expect(body['parameter']).toBe('order');
  });
});

describe('filters', () => {
  const cases: [string, [string, string][], (row: Measurement) => boolean][] = [
    ['eq on an integer', [['id', 'eq.5']], (row) => row.id === 5],
    ['neq on text', [['label', 'neq.a']], (row) => row.label !== 'a'],
    ['gt on a float', [['score', 'gt.200.5']], (row) => row.score > 200.5],
    ['gte on a float', [['score', 'gte.340.28']], (row) => row.score >= 340.28],
    [
      'lt on an integer with nulls',
      [['maybe', 'lt.7']],
      (row) => row.maybe !== null && row.maybe < 7,
    ],
    ['lte on an integer', [['id', 'lte.3']], (row) => row.id <= 3],
    [
      'a date range (repeated key: AND)',
      [
        ['day', 'gte.2024-03-01'],
        ['day', 'lt.2024-04-01'],
      ],
      (row) => row.day >= '2024-03-01' && row.day < '2024-04-01',
    ],
    [
      'a timestamp',
      [['ts', 'lt.2024-03-02T00:00:00Z']],
      (row) => row.ts < '2024-03-02T00:00:00.000Z',
    ],
    [
      'a timestamp with an offset',
      [['ts', 'gte.2024-03-05T02:00:00+02:00']],
      (row) => row.ts >= '2024-03-05T00:00:00.000Z',
    ],
    ['eq on a boolean', [['flag', 'eq.true']], (row) => row.flag],
    ['is.true', [['flag', 'is.true']], (row) => row.flag],
    ['is.false', [['flag', 'is.false']], (row) => !row.flag],
    ['is.null', [['maybe', 'is.null']], (row) => row.maybe === null],
    ['not.is.null', [['note', 'not.is.null']], (row) => row.note !== null],
    ['not.eq', [['label', 'not.eq.a']], (row) => row.label !== 'a'],
    [
      'in on text',
      [['category', 'in.(cat-1,cat-2)']],
      (row) => ['cat-1', 'cat-2'].includes(row.category),
    ],
    ['in on integers', [['id', 'in.(1,3,250)']], (row) => [1, 3].includes(row.id)],
    ['not.in', [['label', 'not.in.(a,b)']], (row) => row.label === 'c'],
    [
      'in with quoted items',
      [['name', 'in.("O\'Brien, \\"Jr\\"",semi;colon)']],
      (row) => ['O\'Brien, "Jr"', 'semi;colon'].includes(row.name),
    ],
    ['an empty in', [['id', 'in.()']], () => false],
    ['like with *', [['name', 'like.name-1*']], (row) => likeRegExp('name-1%').test(row.name)],
    ['like with %', [['name', 'like.name-1%']], (row) => likeRegExp('name-1%').test(row.name)],
    ['like with _', [['name', 'like.name-_']], (row) => likeRegExp('name-_').test(row.name)],
    [
      'like with escaped wildcards',
      [['name', 'like.50\\% off\\_\\*']],
      (row) => row.name === '50% off_*',
    ],
    ['not.like', [['name', 'not.like.name-*']], (row) => !row.name.startsWith('name-')],
    ['ilike', [['name', 'ilike.NAME-1*']], (row) => likeRegExp('name-1%', true).test(row.name)],
    [
      'ilike on unicode text',
      [['name', 'ilike.*CAFÉ']],
      (row) => row.name.toLowerCase().endsWith('café'),
    ],
    ['unicode eq', [['name', 'eq.Zoë 😀 café']], (row) => row.name === 'Zoë 😀 café'],
    [
      'several columns (AND)',
      [
        ['label', 'eq.a'],
        ['flag', 'is.true'],
        ['score', 'lt.250'],
      ],
      (row) => row.label === 'a' && row.flag && row.score < 250,
    ],
    ['filter.<column>', [['filter.category', 'eq.cat-0']], (row) => row.category === 'cat-0'],
    [
      'filter.limit (a column named like a parameter)',
      [['filter.limit', 'eq.3']],
      (row) => row.limit === 3,
    ],
  ];

  it.each(cases)('%s', async (_name, filters, keep) => {
    const [actual, expected] = await filteredIds(filters, keep);
    expect(actual).toEqual(expected);
  });

  it('matches something in every non-empty case (the fixture covers each filter)', () => {
    for (const [name, , keep] of cases) {
      if (name !== 'an empty in') expect(MEASUREMENTS.some(keep), name).toBe(true);
    }
  });

  it('a parameter name wins over the column of the same name; filter.<column> reaches the column', async () => {
    const result = await rows([
      ['limit', '5'],
      ['filter.limit', 'eq.3'],
      ['select', 'id,limit'],
      ['order', 'id'],
    ]);
    expect(result.limit).toBe(5);
    expect(result.rows).toEqual(
      project(MEASUREMENTS.filter((row) => row.limit === 3).slice(0, 5), ['id', 'limit']),
    );
    const { status, body } = await rowsError([['limit', 'eq.3']]);
    expect(status).toBe(400);
    expect(body['parameter']).toBe('limit');
  });

  it('orders and selects a column named like a parameter', async () => {
    const result = await rows([
      ['select', 'limit,id'],
      ['order', 'limit.desc,id'],
      ['limit', '3'],
    ]);
    expect(result.rows).toEqual(
      project(
        sortRows(MEASUREMENTS, [
          ['limit', 'desc'],
          ['id', 'asc'],
        ]).slice(0, 3),
        ['limit', 'id'],
      ),
    );
  });

  it.each([
    ['id', 'eq.abc', 'id'],
    ['score', 'gt.lots', 'score'],
    ['day', 'eq.2024-02-30', 'day'],
    ['ts', 'lt.yesterday', 'ts'],
    ['flag', 'eq.maybe', 'flag'],
    ['flag', 'gt.true', 'flag'],
    ['id', 'like.1*', 'id'],
    ['maybe', 'is.nothing', 'maybe'],
    ['id', 'between.1', 'id'],
    ['id', '5', 'id'],
    ['category', 'in.(a,"b)', 'category'],
  ])('refuses %s=%s naming the parameter', async (column, expression, parameter) => {
    const { status, body } = await rowsError([[column, expression]]);
    expect(status).toBe(400);
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', parameter });
    expect(String(body['message'])).toContain(parameter);
  });
});

describe('other sources', () => {
  it('reads the folder dataset as the union of its files', async () => {
    const result = await rows(
      [
        ['order', 'month,product'],
        ['select', 'month,product,units'],
      ],
      'monthly',
    );
    expect(result.rows.map((row) => row[0])).toEqual([
      ...Array<string>(4).fill('2024-01'),
      ...Array<string>(4).fill('2024-02'),
      ...Array<string>(4).fill('2024-03'),
    ]);
    expect(result.rows[5]).toEqual(['2024-02', 'p1', 21]);
  });

  it('reads SQLite tables with their NULLs and text containing commas', async () => {
    const result = await rows([['order', 'id']], 'shop.customers');
    expect(result.rows).toEqual([
      [1, 'Acme', 'Berlin'],
      [2, 'Globex', null],
      [3, 'Initech, Inc.', 'Austin'],
    ]);
  });

  it('filters a Parquet, a JSON and an NDJSON dataset', async () => {
    expect(
      (
        await rows(
          [
            ['region', 'eq.r1'],
            ['select', 'id'],
            ['order', 'id'],
            ['limit', '3'],
          ],
          'sales',
        )
      ).rows,
    ).toEqual([[1], [4], [7]]);
    expect(
      (
        await rows(
          [
            ['active', 'is.false'],
            ['select', 'name'],
          ],
          'people',
        )
      ).rows,
    ).toEqual([['Grace']]);
    expect(
      (
        await rows(
          [
            ['level', 'eq.error'],
            ['select', 'ms'],
            ['order', 'ms.desc'],
            ['limit', '2'],
          ],
          'logs',
        )
      ).rows,
    ).toEqual([[275], [220]]);
  });
});
