import { describe, expect, it } from 'vitest';
import { isDashportError } from '../errors.js';
import type { ColumnInfo, DatasetSummary } from '../shared/api-types.js';
import { createDatasetQueries } from './dataset-queries.js';
import type { DatasetSource, ServedDataset } from './sources/dataset-source.js';
import { createSourceCatalog } from './sources/source-catalog.js';
import type { AggregateQuery, RowsQuery } from './sql/query-types.js';
import type { ShapedAggregate } from './sql/shape-aggregate.js';

const COLUMNS: ColumnInfo[] = [
  { name: 'band', type: 'string', nullable: true },
  { name: 'freq', type: 'float', nullable: false },
];

interface FakeSource extends DatasetSource {
  readonly calls: string[];
  version: string;
}

/** A source of fixed datasets whose answers record what was asked of it. */
function fakeSource(kind: string, ids: readonly string[]): FakeSource {
  const calls: string[] = [];
  const summary = (id: string): DatasetSummary => ({
    id,
    title: id,
    source: { kind: 'csv', location: `${kind}/${id}` },
    rows: 2,
    columns: COLUMNS.length,
    cached: true,
    live: false,
    updatedAt: null,
    state: 'ready',
  });
  const source: FakeSource = {
    kind,
    calls,
    version: 'v1',
    has: (id) => ids.includes(id),
    list: () => ids.map(summary),
    describe: (id) => ({ ...summary(id), columns: COLUMNS, columnCount: COLUMNS.length }),
    versionOf: () => source.version,
    updatedAtOf: () => undefined,
    ready: (id): ServedDataset => ({
      id,
      version: source.version,
      updatedAt: undefined,
      columns: COLUMNS,
      relation: id,
    }),
    async rows(dataset, query: RowsQuery) {
      calls.push(`rows ${dataset.id} ${query.select.join(',')}`);
      return { columns: ['band'], rows: [['20m'], ['40m']] };
    },
    async *streamRows(dataset) {
      calls.push(`stream ${dataset.id}`);
      yield [['20m']];
    },
    async exportRows(dataset, _query, format) {
      calls.push(`export ${dataset.id} ${format}`);
      return new Uint8Array([1, 2, 3]);
    },
    async aggregate(dataset, query: AggregateQuery): Promise<ShapedAggregate> {
      calls.push(`aggregate ${dataset.id} ${query.agg}`);
      // Lets concurrent callers meet while the answer is computed.
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { x: ['20m', '40m'], series: [{ name: 'count', y: [3, 4] }], rowsScanned: 7 };
    },
    async analyses(dataset) {
      calls.push(`analyses ${dataset.id}`);
      return {
        summary: { dataset: dataset.id, rows: 2, columns: [] },
        correlation: { notApplicable: 'fewer than two numeric columns' },
        pca: { notApplicable: 'fewer than two numeric columns' },
        profiles: { notApplicable: 'no label column' },
      };
    },
  };
  return source;
}

describe('createDatasetQueries', () => {
  it('routes every id to the source that has it and lists all of them by id', async () => {
    const files = fakeSource('files', ['spots', 'trends']);
    const db = fakeSource('postgres', ['pg.readings']);
    const queries = createDatasetQueries({ sources: createSourceCatalog([db, files]) });
    expect(queries.list().map((d) => d.id)).toEqual(['pg.readings', 'spots', 'trends']);
    await queries.rows('pg.readings', { select: 'band' });
    await queries.rows('trends', {});
    expect(db.calls).toEqual(['rows pg.readings band']);
    expect(files.calls).toEqual(['rows trends band,freq']);
    expect(queries.describe('spots').source.location).toBe('files/spots');
  });

  it('answers an unknown id with 404 naming every known dataset', () => {
    const queries = createDatasetQueries({
      sources: createSourceCatalog([fakeSource('postgres', ['pg.b']), fakeSource('files', ['a'])]),
    });
    const error = (() => {
      try {
        return queries.versionOf('nope');
      } catch (caught) {
        return caught;
      }
    })();
    expect(isDashportError(error) && [error.status, error.code, error.message]).toEqual([
      404,
      'DASHPORT_ERR_DATASET_NOT_FOUND',
      'unknown dataset "nope"; datasets are: a, pg.b',
    ]);
  });

  it('refuses an unknown column with 400 before the source is asked', async () => {
    const files = fakeSource('files', ['spots']);
    const queries = createDatasetQueries({ sources: createSourceCatalog([files]) });
    const error = await queries.rows('spots', { select: 'nope' }).catch((e: unknown) => e);
    expect(isDashportError(error) && error.status).toBe(400);
    const aggregate = await queries.aggregate('spots', { x: 'nope' }).catch((e: unknown) => e);
    expect(isDashportError(aggregate) && aggregate.status).toBe(400);
    expect(files.calls).toEqual([]);
  });

  it('caches by version and normalized query, and says so in the timings', async () => {
    const files = fakeSource('files', ['spots']);
    const seen: string[] = [];
    const queries = createDatasetQueries({
      sources: createSourceCatalog([files]),
      onQuery: (dataset) => seen.push(dataset),
    });
    const first = { dbMs: 0, cached: false };
    const page = await queries.rows('spots', { limit: '5', select: 'band' }, first);
    expect(page).toEqual({ columns: ['band'], rows: [['20m'], ['40m']], limit: 5, offset: 0 });
    expect(first.cached).toBe(false);
    const second = { dbMs: 0, cached: false };
    expect(await queries.rows('spots', { select: 'band', limit: '5' }, second)).toEqual(page);
    expect(second).toEqual({ dbMs: 0, cached: true });
    files.version = 'v2';
    await queries.rows('spots', { select: 'band', limit: '5' });
    expect(files.calls).toEqual(['rows spots band', 'rows spots band']);
    expect(seen).toEqual(['spots', 'spots']);
  });

  it('runs identical aggregates arriving together once, each with its own meta', async () => {
    const files = fakeSource('files', ['spots']);
    const queries = createDatasetQueries({ sources: createSourceCatalog([files]) });
    const answers = await Promise.all(
      [1, 2, 3].map(() => queries.aggregate('spots', { x: 'band', agg: 'count' })),
    );
    expect(files.calls).toEqual(['aggregate spots count']);
    for (const answer of answers) {
      expect(answer.x).toEqual(['20m', '40m']);
      expect(answer.meta.rowsScanned).toBe(7);
    }
  });

  it('streams with the selected columns and exports through the source', async () => {
    const files = fakeSource('files', ['spots']);
    const queries = createDatasetQueries({ sources: createSourceCatalog([files]) });
    const { query } = queries.parseRows('spots', { select: 'freq,band' });
    const stream = queries.streamRows('spots', query);
    expect(stream.columns).toEqual(['freq', 'band']);
    const chunks = [];
    for await (const chunk of stream.chunks) chunks.push(chunk);
    expect(chunks).toEqual([[['20m']]]);
    expect([...(await queries.exportRows('spots', query, 'arrow'))]).toEqual([1, 2, 3]);
    expect(files.calls).toEqual(['stream spots', 'export spots arrow']);
  });

  it('gives an analysis that applies, and 404 with the reason for one that does not', async () => {
    const queries = createDatasetQueries({
      sources: createSourceCatalog([fakeSource('files', ['spots'])]),
    });
    expect(await queries.analysis('spots', 'summary')).toMatchObject({ dataset: 'spots' });
    const error = await queries.analysis('spots', 'pca').catch((e: unknown) => e);
    expect(isDashportError(error) && [error.status, error.message]).toEqual([
      404,
      'pca does not apply: fewer than two numeric columns',
    ]);
  });

  it('takes a source that wraps another, as a rollup would, without other changes', async () => {
    const base = fakeSource('files', ['spots']);
    // Answers count aggregates itself and hands everything else to the dataset's own source.
    const rollup: DatasetSource = {
      ...base,
      kind: 'rollup',
      async aggregate(dataset, query) {
        if (query.agg !== 'count') return base.aggregate(dataset, query);
        return { x: ['all'], series: [{ name: 'count', y: [42] }], rowsScanned: 42 };
      },
    };
    const queries = createDatasetQueries({ sources: createSourceCatalog([rollup]) });
    expect((await queries.aggregate('spots', { agg: 'count' })).series[0]?.y).toEqual([42]);
    await queries.aggregate('spots', { agg: 'max', y: 'freq' });
    await queries.rows('spots', {});
    expect(base.calls).toEqual(['aggregate spots max', 'rows spots band,freq']);
  });
});
