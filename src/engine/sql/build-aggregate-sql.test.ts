import { describe, expect, it } from 'vitest';
import { UnknownColumnError } from '../../errors.js';
import {
  aggregateBinEdges,
  buildAggregateSql,
  buildBinRangeSql,
  buildTopGroupsSql,
} from './build-aggregate-sql.js';
import { parseAggregateQuery } from './parse-aggregate-query.js';
import type {
  AggregateQuery,
  RawQuery,
  SchemaColumn,
  SqlDialect,
  SqlStatement,
} from './query-types.js';

const schema: readonly SchemaColumn[] = [
  { name: 'ts', type: 'timestamp' },
  { name: 'day', type: 'date' },
  { name: 'freq', type: 'float' },
  { name: 'snr', type: 'integer' },
  { name: 'band', type: 'string' },
  { name: 'ok', type: 'boolean' },
  { name: `it's "odd"; --`, type: 'float' },
];

const build = (raw: RawQuery, dialect: SqlDialect = 'duckdb', binRange = { min: 0, max: 10 }) =>
  buildAggregateSql('spots', parseAggregateQuery(raw, schema), schema, dialect, { binRange });

/** The placeholders in the order they first appear in the text. */
function placeholderOrder(statement: SqlStatement): number[] {
  const seen: number[] = [];
  for (const match of statement.sql.matchAll(/\$(\d+)/g)) {
    const index = Number(match[1]);
    if (!seen.includes(index)) seen.push(index);
  }
  return seen;
}

function expectWellNumbered(statement: SqlStatement): void {
  expect(placeholderOrder(statement)).toEqual(statement.params.map((_, index) => index + 1));
}

describe('buildAggregateSql', () => {
  it('counts every row without x or group', () => {
    expect(build({})).toEqual({
      sql:
        `WITH filtered AS (SELECT 'all' AS x FROM "spots") SELECT x, CAST(NULL AS VARCHAR) AS g, ` +
        'CAST(count(*) AS DOUBLE) AS v, count(*) AS n FROM filtered GROUP BY x ORDER BY x NULLS LAST',
      params: [],
    });
  });

  it('groups by a raw x with filters bound', () => {
    expect(build({ x: 'band', snr: 'gt.3' }, 'postgres')).toEqual({
      sql:
        `WITH filtered AS (SELECT "band" AS x FROM "spots" WHERE "snr" > $1::bigint) SELECT x, ` +
        'CAST(NULL AS text) AS g, CAST(count(*) AS double precision) AS v, count(*) AS n ' +
        'FROM filtered GROUP BY x ORDER BY x NULLS LAST',
      params: [3],
    });
  });

  it('buckets time with date_trunc and the allow-listed unit', () => {
    for (const bucket of ['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']) {
      expect(build({ x: 'ts', bucket }).sql).toContain(`SELECT date_trunc('${bucket}', "ts") AS x`);
      expect(build({ x: 'ts', bucket }, 'postgres').sql).toContain(
        `SELECT date_trunc('${bucket}', "ts") AS x`,
      );
    }
    expect(build({ x: 'day', bucket: 'week' }).sql).toContain(`date_trunc('week', "day")`);
    expect(build({ x: 'day', bucket: 'week' }, 'postgres').sql).toContain(
      `date_trunc('week', CAST("day" AS timestamp))`,
    );
  });

  it('never writes a bucket that is not on the allow-list', () => {
    const q = {
      ...parseAggregateQuery({ x: 'ts', bucket: 'day' }, schema),
      bucket: `day', ts); DROP TABLE spots; --`,
    };
    expect(() =>
      buildAggregateSql('spots', q as unknown as AggregateQuery, schema, 'duckdb'),
    ).toThrow(TypeError);
  });

  it('ranks groups by row count and folds the rest into other from per-cell partials', () => {
    const statement = build({ x: 'band', group: 'ok', top: '3', agg: 'max', y: 'snr' });
    expect(statement.sql).toBe(
      `WITH filtered AS (SELECT "band" AS x, coalesce(CAST("ok" AS VARCHAR), 'null') AS g, "snr" AS y FROM "spots"), ` +
        'cells AS (SELECT x, g, count(*) AS n, CAST(max(y) AS DOUBLE) AS p FROM filtered GROUP BY x, g), ' +
        'ranked AS (SELECT g, row_number() OVER (ORDER BY sum(n) DESC, g) AS r FROM cells GROUP BY g) ' +
        `SELECT cells.x AS x, CASE WHEN ranked.r <= CAST($1 AS BIGINT) THEN cells.g ELSE 'other' END AS g, ` +
        'max(cells.p) AS v, sum(cells.n) AS n FROM cells JOIN ranked ON cells.g = ranked.g ' +
        'GROUP BY 1, 2 ORDER BY 1 NULLS LAST, 2',
    );
    expect(statement.params).toEqual([3]);
    expect(build({ group: 'band' }, 'postgres').sql).toContain(
      `coalesce(CAST("band" AS text), 'null') AS g`,
    );
    expect(build({ group: 'band' }, 'postgres').sql).toContain('ranked.r <= $1::bigint');
  });

  it('ranks groups over the rows for aggregates that cannot be folded', () => {
    const statement = build({ x: 'band', group: 'ok', top: '3', agg: 'median', y: 'snr' });
    expect(statement.sql).toContain(
      'top_groups AS (SELECT g, row_number() OVER (ORDER BY count(*) DESC, g) AS r FROM filtered GROUP BY g)',
    );
    expect(statement.sql).toContain('FROM filtered JOIN top_groups ON filtered.g = top_groups.g');
  });

  it('takes precomputed top groups as bound values instead of ranking in SQL', () => {
    const q = parseAggregateQuery({ x: 'band', group: 'ok', agg: 'distinct', y: 'snr' }, schema);
    const statement = buildAggregateSql('spots', q, schema, 'duckdb', {
      topGroups: ['true', "x'); --"],
    });
    expect(statement.sql).toContain(`CASE WHEN g IN ($1, $2) THEN g ELSE 'other' END AS g`);
    expect(statement.sql).not.toContain('top_groups');
    expect(statement.params).toEqual(['true', "x'); --"]);
  });

  it('finds the top groups (one more than top) with the filters bound', () => {
    const q = parseAggregateQuery({ group: 'band', top: '2', ok: 'is.true' }, schema);
    const statement = buildTopGroupsSql('spots', q, schema, 'duckdb');
    expect(statement.sql).toBe(
      `SELECT g, count(*) AS n FROM (SELECT 1 AS one, coalesce(CAST("band" AS VARCHAR), 'null') AS g FROM "spots" WHERE "ok" IS TRUE) AS grouped ` +
        'GROUP BY g ORDER BY n DESC, g LIMIT CAST($1 AS BIGINT)',
    );
    expect(statement.params).toEqual([3]);
  });

  it.each([
    ['count', undefined, 'CAST(count(*) AS DOUBLE)', 'CAST(count(*) AS double precision)'],
    ['sum', 'snr', 'CAST(sum(y) AS DOUBLE)', 'CAST(sum(y) AS double precision)'],
    ['mean', 'freq', 'CAST(avg(y) AS DOUBLE)', 'CAST(avg(y) AS double precision)'],
    [
      'median',
      'freq',
      'median(CAST(y AS DOUBLE))',
      'percentile_cont(0.5) WITHIN GROUP (ORDER BY CAST(y AS double precision))',
    ],
    ['min', 'freq', 'CAST(min(y) AS DOUBLE)', 'CAST(min(y) AS double precision)'],
    [
      'max',
      'ok',
      'CAST(max(CAST(y AS integer)) AS DOUBLE)',
      'CAST(max(CAST(y AS integer)) AS double precision)',
    ],
    [
      'min',
      'ts',
      "CAST(epoch_ms(date_trunc('milliseconds', min(y))) AS DOUBLE)",
      "CAST(extract(epoch FROM date_trunc('milliseconds', min(y))) * 1000 AS double precision)",
    ],
    [
      'max',
      'day',
      'CAST(epoch_ms(max(y)) AS DOUBLE)',
      'CAST(extract(epoch FROM CAST(max(y) AS timestamp)) * 1000 AS double precision)',
    ],
    [
      'distinct',
      'band',
      'CAST(count(DISTINCT y) AS DOUBLE)',
      'CAST(count(DISTINCT y) AS double precision)',
    ],
  ])('writes agg=%s of %s', (agg, y, duckdb, postgres) => {
    const raw: RawQuery = y === undefined ? { agg } : { agg, y };
    expect(build(raw).sql).toContain(`, ${duckdb} AS v,`);
    expect(build(raw, 'postgres').sql).toContain(`, ${postgres} AS v,`);
    if (y !== undefined) expect(build(raw).sql).toContain(`"${y}" AS y FROM`);
  });

  // Found by test/engine/query-properties.test.ts, e.g. max(ts) of 2023-12-31 23:59:59.999999:
  // PostgreSQL answered 1704067199999.999, DuckDB 1704067199999 (and 0 for 1969-12-31
  // 23:59:59.9995, rounding toward the epoch). Both now round down, as the ISO cells do.
  it('rounds timestamps down to whole epoch milliseconds in both dialects', () => {
    for (const dialect of ['duckdb', 'postgres'] as const) {
      expect(build({ agg: 'max', y: 'ts' }, dialect).sql).toContain(
        "date_trunc('milliseconds', max(y))",
      );
    }
  });

  // Found by test/engine/query-properties.test.ts: groups tied in size were ranked by the
  // label in the database's collation on PostgreSQL (en_US, ICU), by code point on DuckDB.
  it('breaks ties between groups by code point on PostgreSQL too', () => {
    const folded = build({ group: 'band', agg: 'count' }, 'postgres').sql;
    expect(folded).toContain('ORDER BY sum(n) DESC, g COLLATE "C"');
    const ranked = build({ group: 'band', agg: 'median', y: 'freq' }, 'postgres').sql;
    expect(ranked).toContain('ORDER BY count(*) DESC, g COLLATE "C"');
    const q = parseAggregateQuery({ group: 'band' }, schema);
    expect(buildTopGroupsSql('spots', q, schema, 'postgres').sql).toContain(
      'ORDER BY n DESC, g COLLATE "C" LIMIT',
    );
    expect(build({ group: 'band', agg: 'count' }, 'duckdb').sql).not.toContain('COLLATE');
  });

  // Found by test/engine/query-properties.test.ts: x=ts made one cell per microsecond, and
  // the cells of one millisecond all showed as the same x; NaN, ±Infinity and NULL all show as
  // a null x. Each x of the response is now one cell.
  it('groups a raw x as the response shows it', () => {
    for (const dialect of ['duckdb', 'postgres'] as const) {
      expect(build({ x: 'ts' }, dialect).sql).toContain(
        `SELECT date_trunc('milliseconds', "ts") AS x FROM`,
      );
      const double = dialect === 'duckdb' ? 'DOUBLE' : 'double precision';
      expect(build({ x: 'freq' }, dialect).sql).toContain(
        `SELECT CASE WHEN CAST("freq" AS ${double}) > CAST('-Infinity' AS ${double}) AND CAST("freq" AS ${double}) < CAST('Infinity' AS ${double}) THEN "freq" END AS x FROM`,
      );
      expect(build({ x: 'snr' }, dialect).sql).toContain('SELECT "snr" AS x FROM');
    }
  });

  it('does not read y for count', () => {
    expect(build({ agg: 'count', y: 'snr' }).sql).not.toContain('"snr"');
  });

  it('bins with bound edges, numbered in the order they appear', () => {
    const statement = build({ x: 'freq', bins: '4', band: 'eq.20m', group: 'band' }, 'postgres', {
      min: 2,
      max: 10,
    });
    expect(statement.params).toEqual(['20m', 2, 10, 2, 3, 8, 4, 10]);
    expectWellNumbered(statement);
    expect(statement.sql).toContain(
      'FROM "spots" WHERE "band" = $1 AND CAST("freq" AS double precision) BETWEEN $2::double precision AND $3::double precision',
    );
    expect(statement.sql).toContain(
      'least(floor((xd - $2::double precision) / $4::double precision), $5::double precision) AS k',
    );
    expect(statement.sql).toContain('AS integer) AS x, g FROM approx)');
  });

  it('bins a constant x into the one bin histogramEdges gives', () => {
    const statement = build({ x: 'snr', bins: '10' }, 'duckdb', { min: 5, max: 5 });
    expect(statement.params).toEqual([4.5, 5.5, 1, 0, 1, 1]);
  });

  it('needs a bin range for bins', () => {
    const q = parseAggregateQuery({ x: 'freq', bins: '4' }, schema);
    expect(() => buildAggregateSql('spots', q, schema, 'duckdb')).toThrow(
      /bins need options.binRange/,
    );
  });

  it('numbers placeholders in order for every shape of query', () => {
    const queries: RawQuery[] = [
      {
        x: 'ts',
        bucket: 'day',
        group: 'band',
        agg: 'mean',
        y: 'freq',
        snr: ['gt.1', 'lt.9'],
        band: 'in.(a,b)',
      },
      { x: 'freq', bins: '7', ok: 'eq.true', group: 'band', top: '2' },
      { y: 'freq', agg: 'sum', ts: 'gte.2024-01-01' },
    ];
    for (const raw of queries) {
      for (const dialect of ['duckdb', 'postgres'] as const)
        expectWellNumbered(build(raw, dialect));
    }
  });

  it('quotes odd column names in x, y, group and filters', () => {
    const odd = `it's "odd"; --`;
    const quoted = `"it's ""odd""; --"`;
    const sql = build({
      x: odd,
      bins: '2',
      y: odd,
      agg: 'mean',
      group: odd,
      [`filter.${odd}`]: 'gt.1',
    }).sql;
    expect(sql).toContain(
      `CAST(${quoted} AS DOUBLE) AS xd, coalesce(CASE WHEN isnan(${quoted}) THEN 'NaN' `,
    );
    expect(sql).toContain(
      `regexp_replace(CAST(${quoted} AS VARCHAR), '\\.0$', '') END, 'null') AS g, ${quoted} AS y`,
    );
    expect(sql).toContain(`WHERE ${quoted} > CAST($1 AS DOUBLE)`);
    expect(sql.replaceAll(quoted, '')).not.toContain('odd');
  });

  it('keeps filter values out of the SQL text', () => {
    const evil = `20m'; DROP TABLE spots; --`;
    for (const dialect of ['duckdb', 'postgres'] as const) {
      const statement = build(
        { x: 'band', band: [`eq.${evil}`, `like.${evil}*`], group: 'band' },
        dialect,
      );
      expect(statement.sql).not.toContain('DROP');
      expect(statement.params).toEqual([evil, `${evil}%`, 10]);
    }
  });

  it('refuses columns outside the schema in hand-made queries', () => {
    const q = { ...parseAggregateQuery({}, schema), group: 'nope"' };
    expect(() => buildAggregateSql('spots', q, schema, 'duckdb')).toThrow(UnknownColumnError);
  });
});

describe('buildBinRangeSql', () => {
  it('finds the finite range of x under the filters', () => {
    const q = parseAggregateQuery({ x: 'snr', bins: '5', band: 'eq.20m' }, schema);
    expect(buildBinRangeSql('spots', q, schema, 'duckdb')).toEqual({
      sql:
        'SELECT min(CAST("snr" AS DOUBLE)) AS min, max(CAST("snr" AS DOUBLE)) AS max FROM "spots" ' +
        `WHERE "band" = $1 AND CAST("snr" AS DOUBLE) > CAST('-Infinity' AS DOUBLE) AND CAST("snr" AS DOUBLE) < CAST('Infinity' AS DOUBLE)`,
      params: ['20m'],
    });
    expect(() =>
      buildBinRangeSql('spots', parseAggregateQuery({}, schema), schema, 'duckdb'),
    ).toThrow(TypeError);
  });
});

describe('aggregateBinEdges', () => {
  it('uses histogramEdges', () => {
    const q = parseAggregateQuery({ x: 'freq', bins: '4' }, schema);
    expect(aggregateBinEdges(q, { min: 0, max: 8 })).toEqual([0, 2, 4, 6, 8]);
    expect(aggregateBinEdges(q, { min: 3, max: 3 })).toEqual([2.5, 3.5]);
    expect(() => aggregateBinEdges(parseAggregateQuery({}, schema), { min: 0, max: 1 })).toThrow(
      TypeError,
    );
  });
});
