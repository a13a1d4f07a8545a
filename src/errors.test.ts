import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BadParameterError,
  ConfigError,
  DashportError,
  DataError,
  ERROR_CATALOG,
  EXIT_RUNTIME,
  EXIT_USAGE,
  type ErrorCode,
  NotFoundError,
  UnavailableError,
  UnknownColumnError,
  UsageError,
  isDashportError,
} from './errors.js';

const DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'errors.md');

interface DocumentedCode {
  readonly status: number;
  readonly exitCode: number;
  readonly when: string;
}

/** The catalog table of docs/errors.md: `| \`CODE\` | status | exit | when |`. */
function documentedCodes(): Map<string, DocumentedCode> {
  const rows = new Map<string, DocumentedCode>();
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const match = /^\|\s*`(DASHPORT_ERR_[A-Z_]+)`\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|(.*)\|\s*$/.exec(
      line,
    );
    if (!match) continue;
    const [, code = '', status = '', exitCode = '', when = ''] = match;
    expect(rows.has(code), `${code} is listed twice`).toBe(false);
    rows.set(code, { status: Number(status), exitCode: Number(exitCode), when: when.trim() });
  }
  return rows;
}

describe('docs/errors.md', () => {
  const documented = documentedCodes();
  const catalog = Object.keys(ERROR_CATALOG) as ErrorCode[];

  it.each(catalog)('documents %s with its status, exit code and when it happens', (code) => {
    const row = documented.get(code);
    expect(row, `${code} is missing from docs/errors.md`).toBeDefined();
    expect(row?.status).toBe(ERROR_CATALOG[code].status);
    expect(row?.exitCode).toBe(ERROR_CATALOG[code].exitCode);
    expect(row?.when.length).toBeGreaterThan(20);
  });

  it('documents no code that the catalog does not have', () => {
    expect([...documented.keys()].filter((code) => !(code in ERROR_CATALOG))).toEqual([]);
  });

  it('mentions no code outside the table', () => {
    const text = readFileSync(DOC, 'utf8');
    const mentioned = new Set(text.match(/DASHPORT_ERR_[A-Z_]+/g) ?? []);
    expect([...mentioned].sort()).toEqual([...documented.keys()].sort());
  });
});

describe('ERROR_CATALOG', () => {
  it('uses stable DASHPORT_ERR_ codes, HTTP error statuses and CLI exit codes 1 or 2', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOG)) {
      expect(code).toMatch(/^DASHPORT_ERR_[A-Z_]+$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      expect([EXIT_RUNTIME, EXIT_USAGE]).toContain(entry.exitCode);
      expect(entry.title.length).toBeGreaterThan(0);
    }
  });

  it('maps a user’s mistakes to 4xx and exit 2, configuration to exit 2', () => {
    for (const code of [
      'DASHPORT_ERR_BAD_PARAMETER',
      'DASHPORT_ERR_UNKNOWN_COLUMN',
      'DASHPORT_ERR_USAGE',
    ] as const) {
      expect(ERROR_CATALOG[code].status).toBe(400);
      expect(ERROR_CATALOG[code].exitCode).toBe(EXIT_USAGE);
    }
    expect(ERROR_CATALOG.DASHPORT_ERR_CONFIG.exitCode).toBe(EXIT_USAGE);
    expect(ERROR_CATALOG.DASHPORT_ERR_DATASET_NOT_FOUND.status).toBe(404);
  });
});

describe('error classes', () => {
  it('carry code, status, exit code and parameter from the catalog', () => {
    const error = new BadParameterError('limit', 'limit must be an integer 0-10000, got "x"');
    expect(error).toBeInstanceOf(DashportError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'BadParameterError',
      code: 'DASHPORT_ERR_BAD_PARAMETER',
      status: 400,
      exitCode: EXIT_USAGE,
      parameter: 'limit',
    });
    expect(isDashportError(error)).toBe(true);
    expect(isDashportError(new Error('x'))).toBe(false);
  });

  it('UnknownColumnError names the parameter, the column and the columns, shortened past 30', () => {
    const columns = Array.from({ length: 35 }, (_, i) => `c${i}`);
    const error = new UnknownColumnError('order', 'nope', columns);
    expect(error.code).toBe('DASHPORT_ERR_UNKNOWN_COLUMN');
    expect(error.parameter).toBe('order');
    expect(error.message).toBe(
      `order: unknown column "nope"; columns are: ${columns.slice(0, 30).join(', ')}, …`,
    );
    expect(new UnknownColumnError('x', 'y', ['a', 'b']).message).toBe(
      'x: unknown column "y"; columns are: a, b',
    );
  });

  it('ConfigError and UsageError exit 2', () => {
    expect(new ConfigError('PORT must be …', 'PORT')).toMatchObject({
      exitCode: 2,
      parameter: 'PORT',
    });
    expect(new ConfigError('bad').parameter).toBeUndefined();
    expect(new UsageError('--retries …')).toMatchObject({
      code: 'DASHPORT_ERR_USAGE',
      exitCode: 2,
    });
  });

  it('NotFoundError keeps its specific code', () => {
    expect(
      new NotFoundError('DASHPORT_ERR_DATASET_NOT_FOUND', 'unknown dataset "x"'),
    ).toMatchObject({
      status: 404,
      code: 'DASHPORT_ERR_DATASET_NOT_FOUND',
    });
  });

  it('UnavailableError says when to retry', () => {
    expect(
      new UnavailableError('DASHPORT_ERR_DATASET_NOT_READY', 'building').retryAfterSeconds,
    ).toBe(5);
    expect(new UnavailableError('DASHPORT_ERR_DATASET_BROKEN', 'broken', 60)).toMatchObject({
      status: 503,
      retryAfterSeconds: 60,
    });
  });

  it('DataError carries file and line, and the cause', () => {
    const cause = new Error('duckdb said no');
    const error = new DataError('line 3: bad value', { file: '/d/a.csv', line: 3, cause });
    expect(error).toMatchObject({
      code: 'DASHPORT_ERR_DATA',
      file: '/d/a.csv',
      line: 3,
      exitCode: EXIT_RUNTIME,
    });
    expect(error.cause).toBe(cause);
    expect(new DataError('x').file).toBeUndefined();
  });
});
