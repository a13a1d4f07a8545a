/**
 * The analyses of a dataset computed in memory from a sample of its rows: the path for
 * PostgreSQL datasets, whose data never goes through DuckDB. Same shapes and conventions as
 * the cache build's (compute-analyses.ts): numeric columns get statistics and a histogram,
 * the others top values; correlation and PCA over the numeric columns; per-class profiles
 * when a label column is set. Statistics describe the sample; `rows` is the full count.
 */
import { describeNumbers } from '../../analysis/describe.js';
import { binIndex, histogramEdges } from '../../analysis/histogram.js';
import { classProfiles, compareLabels } from '../../analysis/profiles.js';
import type {
  CellValue,
  ColumnInfo,
  ColumnStats,
  ColumnSummary,
  Histogram,
  TopValue,
} from '../../shared/api-types.js';
import { type Analyses, HISTOGRAM_BINS, TOP_VALUES } from '../compute-analyses.js';
import { embedSample } from '../embed-sample.js';

export interface SampleAnalysisInput {
  readonly id: string;
  readonly columns: readonly Pick<ColumnInfo, 'name' | 'type'>[];
  /** Sampled rows, cells in column order. */
  readonly rows: readonly (readonly CellValue[])[];
  /** Rows of the whole dataset. */
  readonly totalRows: number;
  readonly labelColumn: string | undefined;
  readonly samplesPerClass: number;
}

const isNumericType = (type: string): boolean => type === 'integer' || type === 'float';

function toNumber(value: CellValue | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value !== '') {
    const number = Number(value);
    return Number.isFinite(number) ? number : null;
  }
  return null;
}

/** count, nulls, distinct, min and max of a column without arithmetic (text, dates, booleans). */
function describeValues(values: readonly CellValue[]): ColumnStats {
  const present = values.filter((value) => value !== null);
  const sorted = [...present].sort(compareLabels);
  return {
    count: present.length,
    nulls: values.length - present.length,
    distinct: new Set(present).size,
    min: sorted[0] ?? null,
    max: sorted[sorted.length - 1] ?? null,
    mean: null,
    std: null,
    quantiles: null,
  };
}

function histogramOf(values: readonly (number | null)[], stats: ColumnStats): Histogram | null {
  if (typeof stats.min !== 'number' || typeof stats.max !== 'number') return null;
  const edges = histogramEdges(stats.min, stats.max, HISTOGRAM_BINS);
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const value of values) {
    if (value === null) continue;
    const bin = binIndex(value, edges);
    if (bin >= 0) counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return { edges, counts };
}

/** The most frequent values, ties broken by value (nulls last), as the SQL path orders them. */
function topValuesOf(values: readonly CellValue[]): TopValue[] {
  const counts = new Map<CellValue, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a, na], [b, nb]) => {
      if (nb !== na) return nb - na;
      if (a === null) return 1;
      if (b === null) return -1;
      return compareLabels(a, b);
    })
    .slice(0, TOP_VALUES)
    .map(([value, count]) => ({ value, count }));
}

/** Every analysis of the sampled dataset. */
export function computeSampleAnalyses(input: SampleAnalysisInput): Analyses {
  const columnValues = input.columns.map((_, j) => input.rows.map((row) => row[j] ?? null));
  const numericValues = new Map<string, (number | null)[]>();
  const summaryColumns: ColumnSummary[] = input.columns.map((column, j) => {
    const values = columnValues[j] ?? [];
    if (isNumericType(column.type)) {
      const numbers = values.map(toNumber);
      numericValues.set(column.name, numbers);
      const stats = describeNumbers(numbers);
      return {
        name: column.name,
        type: column.type,
        stats,
        histogram: histogramOf(numbers, stats),
        top: null,
      };
    }
    return {
      name: column.name,
      type: column.type,
      stats: describeValues(values),
      histogram: null,
      top: topValuesOf(values),
    };
  });

  const numeric = summaryColumns.filter(
    (column) =>
      isNumericType(column.type) && column.name !== input.labelColumn && column.stats.count > 0,
  );
  const labelIndex = input.columns.findIndex((column) => column.name === input.labelColumn);
  const labels = input.rows.map((row) => (labelIndex >= 0 ? (row[labelIndex] ?? null) : null));
  const matrixRows = input.rows.map((_, i) =>
    numeric.map((column) => numericValues.get(column.name)?.[i] ?? null),
  );

  const { correlation, pca } = embedSample({
    id: input.id,
    columns: numeric.map((column) => column.name),
    rows: matrixRows,
    labels,
    labelColumn: input.labelColumn,
  });

  let profiles: Analyses['profiles'];
  if (input.labelColumn === undefined) {
    profiles = {
      notApplicable: `dataset "${input.id}" has no label column; set label_column in dashport.yaml`,
    };
  } else if (labelIndex < 0) {
    profiles = {
      notApplicable: `label column "${input.labelColumn}" is not a column of dataset "${input.id}"`,
    };
  } else if (numeric.length === 0) {
    profiles = { notApplicable: `dataset "${input.id}" has no numeric columns to profile` };
  } else {
    profiles = {
      dataset: input.id,
      labelColumn: input.labelColumn,
      columns: numeric.map((column) => column.name),
      samplesPerClass: input.samplesPerClass,
      classes: classProfiles(labels, matrixRows, input.samplesPerClass),
    };
  }
  return {
    summary: { dataset: input.id, rows: input.totalRows, columns: summaryColumns },
    correlation,
    pca,
    profiles,
  };
}
