import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SqlDatasetNode, planSqlDatasets, withDependents } from './dependency-graph.js';

const node = (id: string, ...refs: (string | [string, number])[]): SqlDatasetNode => ({
  id,
  location: `${id}.sql`,
  references: refs.map((ref) =>
    typeof ref === 'string' ? { id: ref, line: 1 } : { id: ref[0], line: ref[1] },
  ),
});

describe('planSqlDatasets', () => {
  it('orders SQL datasets after the SQL datasets they read', () => {
    const plan = planSqlDatasets(
      [node('c', 'b', 'trends'), node('a', 'trends'), node('b', 'a', 'notes')],
      new Set(['trends', 'notes']),
    );
    expect(plan.order).toEqual(['a', 'b', 'c']);
    expect(plan.failures.size).toBe(0);
  });

  it('reports an unknown id with the file and the line of the reference', () => {
    const plan = planSqlDatasets([node('joined', 'trends', ['nope', 4])], new Set(['trends']));
    expect(plan.order).toEqual([]);
    expect(plan.failures.get('joined')).toEqual({
      location: 'joined.sql',
      line: 4,
      reason: 'unknown dataset "nope"; datasets are: trends',
    });
  });

  it('reports every member of a cycle with the line that closes it, and fails what reads them', () => {
    const plan = planSqlDatasets(
      [
        node('a', ['b', 2]),
        node('b', ['c', 3]),
        node('c', ['a', 5]),
        node('d', ['a', 7]),
        node('e', 'trends'),
      ],
      new Set(['trends']),
    );
    expect(plan.order).toEqual(['e']);
    expect(plan.failures.get('a')).toEqual({
      location: 'a.sql',
      line: 2,
      reason: 'dependency cycle: a → b → c → a',
    });
    expect(plan.failures.get('c')?.line).toBe(5);
    expect(plan.failures.get('d')).toMatchObject({ location: 'd.sql', line: 7 });
    expect(plan.failures.get('d')?.reason).toContain('reads "a", which cannot be built');
  });

  it('suggests the quoted id when an unknown id differs by dashes', () => {
    const plan = planSqlDatasets([node('x', 'seattle_weather')], new Set(['seattle-weather']));
    expect(plan.failures.get('x')?.reason).toBe(
      'unknown dataset "seattle_weather"; did you mean "seattle-weather" (quoted, as it has a dash)?; datasets are: seattle-weather',
    );
  });

  it('runs a SQL dataset over PostgreSQL datasets, and one over it, in PostgreSQL', () => {
    const plan = planSqlDatasets(
      [node('x', 'pg.orders', 'pg.customers'), node('y', 'x'), node('z', 'trends')],
      new Set(['trends']),
    );
    expect(plan.postgres).toEqual(['x', 'y']);
    expect(plan.order).toEqual(['z']);
    expect(plan.failures.size).toBe(0);
  });

  it('refuses a statement mixing file and PostgreSQL datasets, naming both lines', () => {
    const plan = planSqlDatasets(
      [node('x', ['trends', 2], ['pg.orders', 5]), node('over', ['x', 1]), node('p', 'pg.a')],
      new Set(['trends']),
    );
    expect(plan.failures.get('x')).toEqual({
      location: 'x.sql',
      line: 5,
      reason:
        'reads the file dataset "trends" (line 2) and the PostgreSQL dataset "pg.orders" (line 5); one statement runs in one engine (DuckDB over the cache, or PostgreSQL), so a SQL dataset reads file datasets or PostgreSQL datasets, not both',
    });
    expect(plan.failures.get('over')?.reason).toContain('reads "x", which cannot be built');
    // Through a SQL dataset too: `mix` reads a PostgreSQL one and a file one.
    const nested = planSqlDatasets(
      [node('p', 'pg.a'), node('mix', ['p', 1], ['trends', 3])],
      new Set(['trends']),
    );
    expect(nested.failures.get('mix')?.reason).toMatch(
      /^reads the file dataset "trends" \(line 3\) and the PostgreSQL dataset "p" \(line 1\)/,
    );
    expect(nested.postgres).toEqual(['p']);
  });

  it('checks PostgreSQL ids against the discovered ones when they are known', () => {
    const plan = planSqlDatasets(
      [node('x', ['pg.orders', 3]), node('y', 'pg.items')],
      new Set(['trends']),
      new Map(),
      new Set(['pg.items']),
    );
    expect(plan.failures.get('x')).toEqual({
      location: 'x.sql',
      line: 3,
      reason: 'unknown dataset "pg.orders"; datasets are: pg.items, trends, y',
    });
    expect(plan.postgres).toEqual(['y']);
  });

  it('reports a dataset that reads itself', () => {
    const plan = planSqlDatasets([node('self', ['self', 3])], new Set());
    expect(plan.failures.get('self')).toEqual({
      location: 'self.sql',
      line: 3,
      reason: 'dependency cycle: self → self',
    });
  });

  it('fails a dataset that reads one with an unknown id, naming both', () => {
    const plan = planSqlDatasets([node('a', 'ghost'), node('b', ['a', 9])], new Set());
    expect(plan.failures.get('b')?.reason).toContain('a.sql: unknown dataset "ghost"');
    expect(plan.failures.get('b')?.line).toBe(9);
  });

  it('places every node or fails it, each after its SQL dependencies (random graphs)', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    fc.assert(
      fc.property(
        fc.array(fc.subarray([...ids, 'file1', 'ghost']), { minLength: 6, maxLength: 6 }),
        (refLists) => {
          const nodes = ids.map((id, i) => node(id, ...(refLists[i] ?? [])));
          const plan = planSqlDatasets(nodes, new Set(['file1']));
          expect(plan.order.length + plan.failures.size).toBe(ids.length);
          expect(plan.postgres).toEqual([]);
          const position = new Map(plan.order.map((id, i) => [id, i]));
          for (const n of nodes) {
            const at = position.get(n.id);
            if (at === undefined) continue;
            for (const ref of n.references) {
              expect(ref.id).not.toBe('ghost');
              if (ids.includes(ref.id)) expect(position.get(ref.id)).toBeLessThan(at);
            }
          }
        },
      ),
    );
  });
});

describe('withDependents', () => {
  it('adds the SQL datasets that read the given ids, transitively', () => {
    const nodes = [node('a', 'trends'), node('b', 'a'), node('c', 'notes')];
    expect([...withDependents(['trends'], nodes)].sort()).toEqual(['a', 'b', 'trends']);
    expect([...withDependents(['notes'], nodes)].sort()).toEqual(['c', 'notes']);
  });
});

describe('planSqlDatasets with refused statements', () => {
  it('fails a dataset reading a refused one with the refusal, and does not report the refused one again', () => {
    const plan = planSqlDatasets(
      [node('b', ['bad', 2])],
      new Set(),
      new Map([['bad', { location: 'bad.sql', line: 1, reason: 'found an INSERT statement' }]]),
    );
    expect([...plan.failures.keys()]).toEqual(['b']);
    expect(plan.failures.get('b')).toEqual({
      location: 'b.sql',
      line: 2,
      reason: 'reads "bad", which cannot be built (bad.sql: found an INSERT statement)',
    });
  });
});
