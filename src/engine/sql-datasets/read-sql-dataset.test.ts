import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuckDb, createDuckDb } from '../duckdb.js';
import { checkSqlText } from './read-sql-dataset.js';

let db: DuckDb;
beforeAll(async () => {
  db = await createDuckDb({ threads: 1, connections: 1, queryTimeoutMs: 10_000 });
});
afterAll(() => db.close());

describe('checkSqlText (DuckDB parses, sql-statement.ts decides)', () => {
  it.each([
    ['SELECT * FROM trends JOIN notes USING (date)', ['trends', 'notes']],
    [
      'with m as (select tool, max(value) v from trends group by tool)\nselect * from m join notes using (tool);',
      ['trends', 'notes'],
    ],
    ['FROM trends SELECT tool', ['trends']],
    ['SELECT * FROM "pg.events" UNION ALL SELECT * FROM pg.events', ['pg.events']],
    ['SELECT t.* FROM trends t WHERE t.tool IN (SELECT tool FROM notes)', ['trends', 'notes']],
    ['SELECT range AS n FROM range(10)', []],
    [
      "SELECT ';' AS semicolon, 'it''s' AS quoted FROM trends -- trailing comment; with a semicolon",
      ['trends'],
    ],
  ])('accepts %j', async (sql, ids) => {
    const check = await checkSqlText(db, sql);
    expect(check).toMatchObject({ ok: true });
    expect(check.ok && check.references.map((r) => r.id)).toEqual(ids);
  });

  it.each([
    ['INSERT INTO trends VALUES (1)', 1, 'found an INSERT statement'],
    ['UPDATE trends SET value = 0', 1, 'found an UPDATE statement'],
    ['DELETE FROM trends', 1, 'found a DELETE statement'],
    ['CREATE TABLE x AS SELECT 1', 1, 'found a CREATE statement'],
    ['DROP TABLE trends', 1, 'found a DROP statement'],
    ["COPY trends TO '/tmp/out.csv'", 1, 'found a COPY statement'],
    ["COPY (SELECT 1) TO '/tmp/out.csv'", 1, 'found a COPY statement'],
    ["ATTACH '/tmp/x.db' AS x", 1, 'found an ATTACH statement'],
    ['PRAGMA version', 1, 'found a PRAGMA statement'],
    ['INSTALL httpfs', 1, 'found an INSTALL statement'],
    ['LOAD httpfs', 1, 'found a LOAD statement'],
    ['SET enable_external_access = true', 1, 'found a SET statement'],
    ["EXPORT DATABASE '/tmp/x'", 1, 'found an EXPORT statement'],
    ['CALL pragma_version()', 1, 'found a CALL statement'],
    ['SELECT 1;\nSELECT 2', 2, '2 statements; a SQL dataset is exactly one SELECT'],
    [
      'SELECT * FROM trends;\n-- then\nDROP TABLE notes;',
      3,
      'found a DROP statement; the file holds 2 statements',
    ],
    ["SELECT * FROM read_csv('/etc/passwd')", 1, 'table function read_csv() is not allowed'],
    [
      "SELECT *\nFROM trends, read_parquet('/var/lib/x.parquet')",
      2,
      'table function read_parquet()',
    ],
    ["SELECT * FROM read_text('/etc/passwd')", 1, 'table function read_text()'],
    [
      "SELECT * FROM trends WHERE tool IN (SELECT content FROM read_blob('/etc/shadow'))",
      1,
      'table function read_blob()',
    ],
    ["SELECT * FROM glob('/etc/*')", 1, 'table function glob()'],
    ["SELECT * FROM sniff_csv('/etc/passwd')", 1, 'table function sniff_csv()'],
    ["SELECT * FROM query('SELECT 1')", 1, 'table function query()'],
    ['SELECT * FROM duckdb_settings()', 1, 'table function duckdb_settings()'],
    ['SELECT * FROM\n\n  trends WHERE\noops oops', 4, 'syntax error'],
    ['', 1, 'no statement'],
    [
      '\nSELECT * FROM (PIVOT trends ON source USING sum(value))',
      2,
      'this query cannot be checked',
    ],
    ['-- just a comment', 1, 'no statement'],
  ])('refuses %j at line %i', async (sql, line, reason) => {
    const check = await checkSqlText(db, sql);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.refusal.line).toBe(line);
    expect(check.refusal.reason).toContain(reason);
  });

  it('lists a replacement scan of a path as a reference, for the graph to refuse as unknown', async () => {
    const check = await checkSqlText(db, "SELECT * FROM '/etc/passwd'");
    expect(check.ok && check.references).toEqual([{ id: '/etc/passwd', line: 1 }]);
  });
});
