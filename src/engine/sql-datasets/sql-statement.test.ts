import { describe, expect, it } from 'vitest';
import {
  blankTerminators,
  checkSelectTree,
  checkStatement,
  lineAt,
  statementSpans,
} from './sql-statement.js';

describe('lineAt', () => {
  it('counts lines up to a UTF-8 byte offset', () => {
    const text = 'SELECT "é"\nFROM a\n  JOIN b';
    expect(lineAt(text, 0)).toBe(1);
    expect(lineAt(text, Buffer.byteLength('SELECT "é"\nFR'))).toBe(2);
    expect(lineAt(text, Buffer.byteLength(text))).toBe(3);
  });
});

describe('statementSpans', () => {
  it('finds where statements start, past comments and quoted semicolons', () => {
    const text =
      '-- header; not a statement\nSELECT \';\' AS x, "a;b" FROM t; /* ; */\n\n  insert into t values (1);\n$$;$$';
    expect(statementSpans(text).map((s) => [s.keyword, s.line])).toEqual([
      ['SELECT', 2],
      ['INSERT', 4],
      ['$', 5],
    ]);
  });

  it('sees no statement in comments and semicolons alone', () => {
    expect(statementSpans('-- nothing\n;;\n/* here */')).toEqual([]);
  });
});

const baseTable = (table: string, location: number, schema = '') => ({
  type: 'BASE_TABLE',
  alias: '',
  sample: null,
  query_location: location,
  schema_name: schema,
  table_name: table,
  catalog_name: '',
});

describe('checkSelectTree', () => {
  it('lists base tables as references (qualified names as dotted ids), not CTE names', () => {
    const text = 'WITH x AS (SELECT 1)\nSELECT * FROM x,\n Trends, pg.events';
    const tree = {
      node: {
        type: 'SELECT_NODE',
        cte_map: { map: [{ key: 'x', value: {} }] },
        from_table: {
          type: 'JOIN',
          alias: '',
          sample: null,
          left: baseTable('x', text.indexOf('x,')),
          right: {
            type: 'JOIN',
            alias: '',
            sample: null,
            left: baseTable('Trends', text.indexOf('Trends')),
            right: baseTable('events', text.indexOf('pg.'), 'pg'),
          },
        },
      },
    };
    expect(checkSelectTree(tree, text)).toEqual({
      ok: true,
      references: [
        { id: 'trends', line: 3 },
        { id: 'pg.events', line: 3 },
      ],
      uses: [
        { id: 'trends', offset: text.indexOf('Trends'), aliased: false },
        { id: 'pg.events', offset: text.indexOf('pg.'), aliased: false },
      ],
      functions: [],
    });
  });

  it('refuses parameters: nothing binds them, and in PostgreSQL they would take a viewer value', () => {
    const text = 'SELECT *\nFROM trends WHERE a = $1';
    const tree = {
      node: {
        from_table: baseTable('trends', text.indexOf('trends')),
        where_clause: {
          class: 'PARAMETER',
          type: 'VALUE_PARAMETER',
          alias: '',
          query_location: 2 ** 64,
        },
      },
    };
    expect(checkSelectTree(tree, text)).toEqual({
      ok: false,
      refusal: {
        line: 1,
        reason: 'a SQL dataset has no parameters: write the value in the statement',
      },
    });
  });

  it('lists the functions called with their first line', () => {
    const text = 'SELECT\nLo_Import(x), lo_import(y)';
    const call = (at: number) => ({
      class: 'FUNCTION',
      function_name: 'Lo_Import',
      query_location: at,
    });
    const check = checkSelectTree(
      { node: { select_list: [call(text.lastIndexOf('lo_')), call(7)] } },
      text,
    );
    expect(check.ok && check.functions).toEqual([{ id: 'lo_import', line: 2 }]);
  });

  it('refuses table functions but the row generators, and unknown FROM items', () => {
    const fn = (name: string) => ({
      type: 'TABLE_FUNCTION',
      alias: '',
      sample: null,
      query_location: 0,
      function: { class: 'FUNCTION', function_name: name, schema: '', catalog: '' },
    });
    expect(checkSelectTree({ from_table: fn('range') }, 'x').ok).toBe(true);
    const refused = checkSelectTree({ from_table: fn('read_csv') }, 'x');
    expect(refused).toMatchObject({ ok: false, refusal: { line: 1 } });
    expect(!refused.ok && refused.refusal.reason).toContain('table function read_csv()');
    const show = checkSelectTree(
      { from_table: { type: 'SHOW_REF', alias: '', sample: null } },
      'x',
    );
    expect(!show.ok && show.refusal.reason).toBe('show ref is not allowed in a SQL dataset');
  });
});

describe('blankTerminators', () => {
  it('blanks the statement terminators, not a ; in a string, an identifier or a comment', () => {
    const text = `SELECT ';' AS "a;b" -- one; two\n/* x; */ FROM t;\n`;
    expect(blankTerminators(text)).toBe(`SELECT ';' AS "a;b" -- one; two\n/* x; */ FROM t \n`);
    expect(blankTerminators('SELECT $$;$$;')).toBe('SELECT $$;$$ ');
  });
});

describe('checkStatement', () => {
  it('refuses an empty file, several statements and a parse error with their lines', () => {
    expect(checkStatement('-- only a comment', { error: false, statements: [] })).toEqual({
      ok: false,
      refusal: { line: 1, reason: 'no statement: write one SELECT' },
    });
    expect(checkStatement('SELECT 1;\n\nSELECT 2', { error: false, statements: [{}, {}] })).toEqual(
      {
        ok: false,
        refusal: { line: 3, reason: '2 statements; a SQL dataset is exactly one SELECT' },
      },
    );
    expect(
      checkStatement('SELECT *\nFROM t\nWHERE oops oops', {
        error: true,
        error_type: 'parser',
        error_message: 'syntax error at or near "oops"',
        position: String('SELECT *\nFROM t\nWHERE oops '.length),
      }),
    ).toEqual({
      ok: false,
      refusal: { line: 3, reason: 'syntax error: syntax error at or near "oops"' },
    });
  });

  it('names the statement that is not a SELECT', () => {
    const text = "SELECT 1;\nATTACH 'x.db'";
    const spans = statementSpans(text);
    expect(checkStatement(text, { error: true, error_type: 'not implemented' }, spans[1])).toEqual({
      ok: false,
      refusal: {
        line: 2,
        reason:
          'only one SELECT is allowed in a SQL dataset, found an ATTACH statement; the file holds 2 statements',
      },
    });
  });
});
