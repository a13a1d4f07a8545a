import { describe, expect, it } from 'vitest';
import { castExpression, columnTypeOf, readerSql, sqlString, sqlTypeOf } from './source-sql.js';

describe('columnTypeOf', () => {
  it.each([
    ['TINYINT', 'integer'],
    ['SMALLINT', 'integer'],
    ['INTEGER', 'integer'],
    ['BIGINT', 'integer'],
    ['HUGEINT', 'integer'],
    ['UBIGINT', 'integer'],
    ['UHUGEINT', 'integer'],
    ['bigint', 'integer'],
    ['FLOAT', 'float'],
    ['DOUBLE', 'float'],
    ['REAL', 'float'],
    ['DECIMAL(18,3)', 'float'],
    ['BOOLEAN', 'boolean'],
    ['DATE', 'date'],
    ['TIMESTAMP', 'timestamp'],
    ['TIMESTAMP WITH TIME ZONE', 'timestamp'],
    ['TIMESTAMP_NS', 'timestamp'],
    ['VARCHAR', 'string'],
    ['TIME', 'string'],
    ['UUID', 'string'],
    ['INTEGER[]', 'string'],
    ['STRUCT(a INTEGER)', 'string'],
    ['INTERVAL', 'string'],
  ])('%s → %s', (duckType, type) => {
    expect(columnTypeOf(duckType)).toBe(type);
  });
});

describe('sqlTypeOf', () => {
  it('stores each column type as one SQL type', () => {
    expect(sqlTypeOf('integer')).toBe('BIGINT');
    expect(sqlTypeOf('float')).toBe('DOUBLE');
    expect(sqlTypeOf('string')).toBe('VARCHAR');
    expect(sqlTypeOf('boolean')).toBe('BOOLEAN');
    expect(sqlTypeOf('date')).toBe('DATE');
    expect(sqlTypeOf('timestamp')).toBe('TIMESTAMP');
  });
});

describe('castExpression', () => {
  it('keeps columns already in their cache type', () => {
    expect(castExpression('name', 'VARCHAR', undefined)).toBe('"name"');
    expect(castExpression('ok', 'BOOLEAN', undefined)).toBe('"ok"');
    expect(castExpression('day', 'DATE', undefined)).toBe('"day"');
  });

  it('widens integers to BIGINT but never narrows the huge ones', () => {
    expect(castExpression('n', 'INTEGER', undefined)).toBe('CAST("n" AS BIGINT) AS "n"');
    expect(castExpression('n', 'HUGEINT', undefined)).toBe('"n"');
    expect(castExpression('n', 'UBIGINT', undefined)).toBe('"n"');
  });

  it('turns decimals into doubles', () => {
    expect(castExpression('price', 'DECIMAL(10,2)', undefined)).toBe(
      'CAST("price" AS DOUBLE) AS "price"',
    );
  });

  it('normalizes zoned timestamps to UTC', () => {
    expect(castExpression('ts', 'TIMESTAMP WITH TIME ZONE', undefined)).toBe(
      `CAST(timezone('UTC', "ts") AS TIMESTAMP) AS "ts"`,
    );
    expect(castExpression('ts', 'TIMESTAMP WITH TIME ZONE', 'timestamp')).toBe(
      `CAST(timezone('UTC', "ts") AS TIMESTAMP) AS "ts"`,
    );
  });

  it('renders nested and exotic types as text', () => {
    expect(castExpression('tags', 'VARCHAR[]', undefined)).toBe(
      'CAST("tags" AS VARCHAR) AS "tags"',
    );
  });

  it('applies a types: override', () => {
    expect(castExpression('zip', 'BIGINT', 'string')).toBe('CAST("zip" AS VARCHAR) AS "zip"');
    expect(castExpression('label', 'VARCHAR', 'integer')).toBe(
      'CAST("label" AS BIGINT) AS "label"',
    );
    expect(castExpression('when', 'VARCHAR', 'date')).toBe('CAST("when" AS DATE) AS "when"');
  });

  it('quotes any column name as one identifier', () => {
    expect(castExpression('a "b"; DROP TABLE x; --', 'VARCHAR', 'integer')).toBe(
      'CAST("a ""b""; DROP TABLE x; --" AS BIGINT) AS "a ""b""; DROP TABLE x; --"',
    );
  });
});

describe('sqlString', () => {
  it('doubles single quotes', () => {
    expect(sqlString("/data/o'brien.csv")).toBe("'/data/o''brien.csv'");
  });
  it('refuses NUL bytes', () => {
    expect(() => sqlString('a\0b')).toThrow(/NUL/);
  });
});

describe('readerSql', () => {
  it('reads each file kind with its DuckDB reader', () => {
    expect(readerSql({ kind: 'parquet', files: ['/d/a.parquet'] })).toBe(
      "read_parquet(['/d/a.parquet'], union_by_name = true)",
    );
    expect(readerSql({ kind: 'json', files: ['/d/a.json'] })).toBe(
      "read_json(['/d/a.json'], format = 'auto', union_by_name = true)",
    );
    expect(readerSql({ kind: 'ndjson', files: ['/d/a.ndjson', '/d/b.ndjson'] })).toBe(
      "read_json(['/d/a.ndjson', '/d/b.ndjson'], format = 'newline_delimited', union_by_name = true)",
    );
  });

  it('passes a CSV delimiter and the rejects tables as literals', () => {
    const sql = readerSql(
      { kind: 'csv', files: ["/d/it's.csv"] },
      { delimiter: '\t', rejects: { table: 'rejects_1', scan: 'scan_1' } },
    );
    expect(sql).toContain("read_csv(['/d/it''s.csv']");
    expect(sql).toContain("delim = '\t'");
    expect(sql).toContain("rejects_table = 'rejects_1'");
    expect(sql).toContain("rejects_scan = 'scan_1'");
  });

  it('reads a quoted empty CSV field as an empty string, not NULL (RFC 4180)', () => {
    expect(readerSql({ kind: 'csv', files: ['/d/a.csv'] })).toContain('allow_quoted_nulls = false');
  });

  it('never reads SQLite directly', () => {
    expect(() => readerSql({ kind: 'sqlite', files: ['/d/a.sqlite'] })).toThrow(/staged/);
  });
});
