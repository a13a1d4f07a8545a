import { describe, expect, it } from 'vitest';
import { refusedServerFunction } from './pg-server-functions.js';

describe('refusedServerFunction', () => {
  it('names the first function that reaches the server, with its line', () => {
    expect(
      refusedServerFunction([
        { id: 'sum', line: 1 },
        { id: 'dblink', line: 4 },
        { id: 'pg_read_binary_file', line: 3 },
      ]),
    ).toEqual({
      line: 3,
      reason:
        'pg_read_binary_file() is not allowed: it reaches files, other databases or sessions on the database server, and a SQL dataset only reads datasets',
    });
    for (const name of [
      'lo_import',
      'pg_ls_dir',
      'pg_advisory_lock',
      'query_to_xml',
      'pg_terminate_backend',
    ])
      expect(refusedServerFunction([{ id: name, line: 1 }])?.line, name).toBe(1);
  });

  it('lets ordinary functions through', () => {
    expect(
      refusedServerFunction(
        ['sum', 'coalesce', 'date_trunc', 'lower', 'pg_typeof', 'lot_size'].map((id) => ({
          id,
          line: 1,
        })),
      ),
    ).toBeUndefined();
  });
});
