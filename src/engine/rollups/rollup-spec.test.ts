import { describe, expect, it } from 'vitest';
import type { ColumnInfo } from '../../shared/api-types.js';
import type { DashboardDefinition, DashboardPanel } from '../../shared/dashboard-types.js';
import { bucketCovers, deriveRollups, estimateRollupRows } from './rollup-spec.js';
import { isBucketStart } from './rollup-sql.js';

const ROWS = 100_000_000;
function stats(distinct: number, min: string | null = null, max: string | null = null) {
  return { count: ROWS, nulls: 0, distinct, min, max, mean: null, std: null, quantiles: null };
}
const COLUMNS: ColumnInfo[] = [
  {
    name: 'ts',
    type: 'timestamp',
    nullable: false,
    stats: stats(ROWS, '2024-11-01T00:00:00.000Z', '2024-11-30T23:59:59.000Z'),
  },
  { name: 'band', type: 'string', nullable: false, stats: stats(10) },
  { name: 'mode', type: 'string', nullable: false, stats: stats(5) },
  { name: 'country', type: 'string', nullable: false, stats: stats(66) },
  { name: 'callsign', type: 'string', nullable: false, stats: stats(200_000) },
  { name: 'frequency', type: 'float', nullable: false, stats: stats(80_000) },
];

function panel(id: string, fields: Partial<DashboardPanel>): DashboardPanel {
  return { id, title: id, type: 'number', dataset: 'spots', width: 'half', ...fields };
}

/** The radio-spots example dashboard, as normalized. */
const RADIO_SPOTS: DashboardDefinition = {
  id: 'radio-spots',
  title: 'Radio spots',
  dataset: 'spots',
  file: 'radio-spots.yaml',
  filters: [
    {
      column: 'band',
      label: 'Band',
      kind: 'select',
      multiple: true,
      dataset: 'spots',
      defaultValues: [],
    },
    {
      column: 'mode',
      label: 'Mode',
      kind: 'select',
      multiple: false,
      dataset: 'spots',
      defaultValues: [],
    },
    {
      column: 'ts',
      label: 'Period',
      kind: 'date-range',
      multiple: false,
      dataset: 'spots',
      defaultValues: [],
    },
  ],
  panels: [
    panel('total', {}),
    panel('stations', { y: 'callsign', agg: 'distinct' }),
    panel('countries-count', { y: 'country', agg: 'distinct' }),
    panel('per-hour', { type: 'area', x: 'ts', bucket: 'hour', group: 'band', top: 8 }),
    panel('countries', { type: 'bar', group: 'country', top: 12 }),
    panel('modes', { type: 'bar', x: 'mode' }),
    panel('daily', { type: 'heatmap', x: 'ts', bucket: 'day', group: 'band', top: 10 }),
    panel('mean-frequency', { y: 'frequency', agg: 'mean' }),
    panel('median', { y: 'frequency', agg: 'median' }),
    panel('histogram', { type: 'histogram', x: 'frequency', bins: 30 }),
    panel('latest', { type: 'table', select: ['ts', 'band'], limit: 25 }),
  ],
};

describe('deriveRollups', () => {
  const specs = deriveRollups('spots', COLUMNS, [RADIO_SPOTS], { rows: ROWS });
  const shown = specs.map((spec) => ({
    dims: spec.dimensions.map((d) => (d.bucket ? `${d.column}/${d.bucket}` : d.column)).join(','),
    measures: spec.distinct === undefined ? spec.measures.join(',') : `distinct ${spec.distinct}`,
  }));

  it('derives one rollup per set of dimensions, filters × x × group, measures merged', () => {
    expect(shown).toEqual(
      expect.arrayContaining([
        { dims: 'band,mode,ts/day', measures: 'frequency' },
        { dims: 'band,mode,ts/hour', measures: '' },
        { dims: 'band,country,mode,ts/day', measures: '' },
        { dims: 'band,mode,ts/day', measures: 'distinct callsign' },
      ]),
    );
    expect(shown).toHaveLength(4);
  });

  it('leaves out what no rollup answers, and rollups nearly as large as the table', () => {
    // The distinct callsigns as a callsign dimension would be 10 × 200k × 5 × 31 rows: they
    // get a bitmap instead, 10 × 5 × 31 groups × ⌈200k ÷ 64⌉ words at most.
    expect(shown.some((s) => s.dims.includes('callsign'))).toBe(false);
    expect(estimateRollupRows(specs[0] ?? { dimensions: [] }, COLUMNS, ROWS)).toBeLessThan(ROWS);
    const bitmap = specs.find((spec) => spec.distinct === 'callsign');
    expect(estimateRollupRows(bitmap ?? { dimensions: [] }, COLUMNS, ROWS)).toBe(
      1550 * 3125 + 1550,
    );
  });

  it('prefers a distinct column as a dimension, and builds no bitmap nearly as large as the table', () => {
    // 2M rows: the bitmap's 1550 groups × 3125 words would be above half of them.
    const small = deriveRollups('spots', COLUMNS, [RADIO_SPOTS], { rows: 2_000_000 });
    expect(small.some((spec) => spec.distinct !== undefined)).toBe(false);
    // Countries (66) are a dimension of the rollup the top-countries panel needs anyway.
    expect(specs.some((spec) => spec.distinct === 'country')).toBe(false);
  });

  it('derives nothing for a dataset no panel uses', () => {
    expect(deriveRollups('other', COLUMNS, [RADIO_SPOTS], { rows: ROWS })).toEqual([]);
  });
});

describe('bucketCovers', () => {
  it('rebuilds coarser buckets from finer ones, weeks only from days or finer', () => {
    expect(bucketCovers('hour', 'day')).toBe(true);
    expect(bucketCovers('day', 'month')).toBe(true);
    expect(bucketCovers('day', 'week')).toBe(true);
    expect(bucketCovers('week', 'month')).toBe(false);
    expect(bucketCovers('month', 'year')).toBe(true);
    expect(bucketCovers('day', 'hour')).toBe(false);
  });
});

describe('isBucketStart', () => {
  it('accepts instants that start the bucket, in UTC', () => {
    expect(isBucketStart('2024-11-05T00:00:00Z', 'day')).toBe(true);
    expect(isBucketStart('2024-11-05T12:00:00Z', 'day')).toBe(false);
    expect(isBucketStart('2024-11-05T12:00:00Z', 'hour')).toBe(true);
    expect(isBucketStart('2024-11-05T12:00:00.000001Z', 'hour')).toBe(false);
    expect(isBucketStart('2024-11-04T00:00:00Z', 'week')).toBe(true);
    expect(isBucketStart('2024-11-01T00:00:00Z', 'month')).toBe(true);
    expect(isBucketStart('2024-11-01T00:00:00Z', 'quarter')).toBe(false);
    expect(isBucketStart('2024-10-01', 'quarter')).toBe(true);
    expect(isBucketStart(42, 'day')).toBe(false);
  });
});
