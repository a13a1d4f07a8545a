/**
 * Correlation and PCA of a numeric sample, or the reason they do not apply. Shared by the file
 * engine (a DuckDB reservoir sample) and PostgreSQL datasets (a sample read in JS).
 */
import { correlationMatrix } from '../analysis/correlation.js';
import { pca2d } from '../analysis/pca.js';
import type { CellValue, CorrelationAnalysis, PcaAnalysis } from '../shared/api-types.js';

/** Correlation and PCA over more columns than this are not computed (the matrix would not be read). */
export const MAX_ANALYSIS_COLUMNS = 400;
/** Points of the PCA scatter sent to browsers. */
export const PCA_POINTS = 2_000;

export type NotApplicable = { readonly notApplicable: string };

export interface SampleInput {
  readonly id: string;
  readonly columns: readonly string[];
  /** Sample rows, one value per column (null where missing). */
  readonly rows: readonly (readonly (number | null)[])[];
  /** The label of each sample row, when the dataset has a label column. */
  readonly labels: readonly CellValue[];
  readonly labelColumn: string | undefined;
}

export function embedSample(input: SampleInput): {
  correlation: CorrelationAnalysis | NotApplicable;
  pca: PcaAnalysis | NotApplicable;
} {
  const { id, columns, rows } = input;
  if (columns.length < 2) {
    const reason = `dataset "${id}" has fewer than two numeric columns`;
    return { correlation: { notApplicable: reason }, pca: { notApplicable: reason } };
  }
  if (columns.length > MAX_ANALYSIS_COLUMNS) {
    const reason = `dataset "${id}" has ${columns.length} numeric columns; correlation and PCA are computed up to ${MAX_ANALYSIS_COLUMNS}`;
    return { correlation: { notApplicable: reason }, pca: { notApplicable: reason } };
  }
  const byColumn = columns.map((_, j) => rows.map((row) => row[j] ?? null));
  const fitted = pca2d(rows);
  const shown = Math.min(PCA_POINTS, rows.length);
  return {
    correlation: {
      dataset: id,
      columns: [...columns],
      matrix: correlationMatrix(byColumn),
      sampleRows: rows.length,
    },
    pca: {
      dataset: id,
      columns: [...columns],
      explainedVariance: fitted.explainedVariance,
      points: {
        x: fitted.points.x.slice(0, shown),
        y: fitted.points.y.slice(0, shown),
        label: input.labelColumn === undefined ? null : input.labels.slice(0, shown),
      },
      labelColumn: input.labelColumn ?? null,
      sampleRows: rows.length,
    },
  };
}
