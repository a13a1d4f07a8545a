/**
 * GET /api/v1/datasets/{id}/analysis/{summary|correlation|pca|profiles}: the analyses
 * precomputed at cache build, against the fixture's constructed columns and classes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { histogramEdges } from '../../../../src/analysis/histogram.js';
import type {
  CorrelationAnalysis,
  PcaAnalysis,
  ProfilesAnalysis,
  SummaryAnalysis,
} from '../../../../src/shared/api-types.js';
import {
  MEASUREMENTS,
  MEASUREMENT_COLUMNS,
  MEASUREMENT_TYPES,
} from '../../../helpers/fixture-data.js';
import { type FixtureApp, createFixtureApp } from '../../../helpers/fixture-app.js';
import { groupBy, mean, numbers, pearson } from '../../../helpers/oracle.js';

let fixture: FixtureApp;

/** The numeric columns of measurements other than the label: the analyses' features. */
const FEATURES = MEASUREMENT_COLUMNS.filter((name) =>
  ['integer', 'float'].includes(MEASUREMENT_TYPES[name]),
);

beforeAll(async () => {
  fixture = await createFixtureApp('analysis');
});

afterAll(async () => {
  await fixture?.close();
});

async function analysis<T>(kind: string, id = 'measurements'): Promise<T> {
  const response = await fixture.app.inject(`/api/v1/datasets/${id}/analysis/${kind}`);
  expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
  return response.json() as T;
}

describe('summary', () => {
  it('describes every column with the same statistics as the dataset page', async () => {
    const summary = await analysis<SummaryAnalysis>('summary');
    expect(summary.dataset).toBe('measurements');
    expect(summary.rows).toBe(MEASUREMENTS.length);
    expect(summary.columns.map((column) => [column.name, column.type])).toEqual(
      MEASUREMENT_COLUMNS.map((name) => [name, MEASUREMENT_TYPES[name]]),
    );
    const detail = (await fixture.app.inject('/api/v1/datasets/measurements')).json() as {
      columns: { name: string; stats: unknown }[];
    };
    for (const column of summary.columns) {
      expect(column.stats, column.name).toEqual(
        detail.columns.find((c) => c.name === column.name)?.stats,
      );
    }
  });

  it('histograms numeric columns into 20 bins that hold every value', async () => {
    const summary = await analysis<SummaryAnalysis>('summary');
    for (const name of FEATURES) {
      const histogram = summary.columns.find((column) => column.name === name)?.histogram;
      const values = numbers(MEASUREMENTS, name);
      expect(histogram?.edges, name).toEqual(
        histogramEdges(Math.min(...values), Math.max(...values), 20),
      );
      expect(
        histogram?.counts.reduce((a, b) => a + b, 0),
        name,
      ).toBe(values.length);
    }
    const ids = summary.columns.find((column) => column.name === 'id')?.histogram;
    const edges = ids?.edges ?? [];
    const expected = edges
      .slice(0, -1)
      .map(
        (edge, i) =>
          MEASUREMENTS.filter(
            (row) =>
              row.id >= edge &&
              (i === edges.length - 2
                ? row.id <= (edges[i + 1] as number)
                : row.id < (edges[i + 1] as number)),
          ).length,
      );
    expect(ids?.counts).toEqual(expected);
    expect(summary.columns.find((column) => column.name === 'name')?.histogram).toBeNull();
  });

  it('lists the top values of text columns, most frequent first', async () => {
    const summary = await analysis<SummaryAnalysis>('summary');
    const label = summary.columns.find((column) => column.name === 'label');
    expect(label?.top).toEqual([
      { value: 'a', count: MEASUREMENTS.filter((row) => row.label === 'a').length },
      { value: 'b', count: MEASUREMENTS.filter((row) => row.label === 'b').length },
      { value: 'c', count: MEASUREMENTS.filter((row) => row.label === 'c').length },
    ]);
    const categories = [...groupBy(MEASUREMENTS, (row) => row.category).entries()]
      .map(([value, rows]) => ({ value, count: rows.length }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
    expect(summary.columns.find((column) => column.name === 'category')?.top).toEqual(categories);
    expect(summary.columns.find((column) => column.name === 'score')?.top).toBeNull();
  });
});

describe('correlation', () => {
  it('is ±1 for constructed columns and Pearson elsewhere', async () => {
    const correlation = await analysis<CorrelationAnalysis>('correlation');
    expect(correlation.columns).toEqual([...FEATURES]);
    expect(correlation.sampleRows).toBe(MEASUREMENTS.length);
    const at = (a: string, b: string): number | null | undefined =>
      correlation.matrix[correlation.columns.indexOf(a)]?.[correlation.columns.indexOf(b)];
    expect(at('x', 'x2')).toBeCloseTo(1, 12);
    expect(at('x', 'neg')).toBeCloseTo(-1, 12);
    expect(at('x2', 'neg')).toBeCloseTo(-1, 12);
    expect(at('id', 'x')).toBeCloseTo(1, 12);
    expect(at('score', 'id')).toBeCloseTo(
      pearson(numbers(MEASUREMENTS, 'score'), numbers(MEASUREMENTS, 'id')),
      9,
    );
    for (const name of FEATURES) expect(at(name, name)).toBeCloseTo(1, 12);
    for (const a of FEATURES) for (const b of FEATURES) expect(at(a, b)).toBe(at(b, a));
  });

  it('uses pairwise-complete rows for a column with nulls', async () => {
    const correlation = await analysis<CorrelationAnalysis>('correlation');
    const complete = MEASUREMENTS.filter((row) => row.maybe !== null);
    const expected = pearson(
      complete.map((row) => row.maybe as number),
      complete.map((row) => row.score),
    );
    const i = correlation.columns.indexOf('maybe');
    const j = correlation.columns.indexOf('score');
    expect(correlation.matrix[i]?.[j]).toBeCloseTo(expected, 9);
  });
});

describe('pca', () => {
  it('embeds every sampled row in 2-D with explained variance and labels', async () => {
    const pca = await analysis<PcaAnalysis>('pca');
    expect(pca.columns).toEqual([...FEATURES]);
    expect(pca.labelColumn).toBe('label');
    expect(pca.sampleRows).toBe(MEASUREMENTS.length);
    expect(pca.points.x).toHaveLength(MEASUREMENTS.length);
    expect(pca.points.y).toHaveLength(MEASUREMENTS.length);
    expect(pca.points.label).toHaveLength(MEASUREMENTS.length);
    expect(new Set(pca.points.label)).toEqual(new Set(['a', 'b', 'c']));
    const [first, second] = pca.explainedVariance;
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThanOrEqual(0);
    expect(first).toBeGreaterThanOrEqual(second);
    expect(first + second).toBeLessThanOrEqual(1 + 1e-9);
    expect(pca.points.x.every(Number.isFinite)).toBe(true);
  });
});

describe('profiles', () => {
  it('gives each class its count, mean vector and 50 sample rows by default', async () => {
    const profiles = await analysis<ProfilesAnalysis>('profiles');
    expect(profiles).toMatchObject({
      dataset: 'measurements',
      labelColumn: 'label',
      samplesPerClass: 50,
    });
    expect(profiles.columns).toEqual([...FEATURES]);
    const classes = groupBy(MEASUREMENTS, (row) => row.label);
    expect(profiles.classes.map((profile) => profile.label)).toEqual(['a', 'b', 'c']);
    for (const profile of profiles.classes) {
      const rows = classes.get(String(profile.label)) ?? [];
      expect(profile.count).toBe(rows.length);
      profile.mean.forEach((value, i) => {
        const column = FEATURES[i] as string;
        expect(value, `${String(profile.label)} ${column}`).toBeCloseTo(
          mean(numbers(rows, column)) as number,
          9,
        );
      });
      expect(profile.samples).toHaveLength(Math.min(50, rows.length));
      for (const sample of profile.samples) {
        const source = rows.find((row) => row.id === sample[0]);
        expect(
          source,
          `sample ${String(sample[0])} belongs to class ${String(profile.label)}`,
        ).toBeDefined();
        expect(sample).toEqual(FEATURES.map((column) => source?.[column] ?? null));
      }
      expect(new Set(profile.samples.map((sample) => sample[0])).size).toBe(profile.samples.length);
    }
  });
});

describe('analyses that do not apply', () => {
  it.each([
    ['profiles', 'sales', /label_column/],
    ['correlation', 'people', /fewer than two numeric columns/],
    ['pca', 'people', /fewer than two numeric columns/],
  ])('%s of %s is 404 with the reason', async (kind, id, reason) => {
    const response = await fixture.app.inject(`/api/v1/datasets/${id}/analysis/${kind}`);
    expect(response.statusCode).toBe(404);
    const body = response.json() as {
      statusCode: number;
      error: string;
      message: string;
      code: string;
    };
    expect(body).toMatchObject({
      statusCode: 404,
      error: 'Not Found',
      code: 'DASHPORT_ERR_ANALYSIS_NOT_APPLICABLE',
    });
    expect(body.message).toMatch(reason);
  });

  it('refuses an unknown analysis with 400 and an unknown dataset with 404', async () => {
    const unknownKind = await fixture.app.inject('/api/v1/datasets/measurements/analysis/forecast');
    expect(unknownKind.statusCode).toBe(400);
    expect(unknownKind.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const unknownDataset = await fixture.app.inject('/api/v1/datasets/nope/analysis/summary');
    expect(unknownDataset.statusCode).toBe(404);
    expect(unknownDataset.json()).toMatchObject({ code: 'DASHPORT_ERR_DATASET_NOT_FOUND' });
  });

  it('summarizes a dataset without numeric columns too', async () => {
    const summary = await analysis<SummaryAnalysis>('summary', 'shop.customers');
    expect(summary.rows).toBe(3);
  });
});
