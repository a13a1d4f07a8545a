/**
 * Chart data as a table: the same rows back the table view and the CSV download of a panel,
 * so what a user downloads is exactly what the chart shows.
 */
import type {
  AggregateResponse,
  CellValue,
  CorrelationAnalysis,
  PcaAnalysis,
  ProfilesAnalysis,
  RowsResponse,
} from '../../../src/shared/api-types.js';

export interface Table {
  readonly columns: string[];
  readonly rows: CellValue[][];
}

/** x in the first column, one column per series. A group-only aggregate is one row per group. */
export function aggregateTable(data: AggregateResponse, xName: string): Table {
  if (data.x.length === 1 && data.series.length > 1 && xName === '') {
    return {
      columns: ['group', 'value'],
      rows: data.series.map((series) => [series.name, series.y[0] ?? null]),
    };
  }
  return {
    columns: [xName === '' ? 'x' : xName, ...data.series.map((series) => series.name)],
    rows: data.x.map((x, index) => [x, ...data.series.map((series) => series.y[index] ?? null)]),
  };
}

export function rowsTable(data: RowsResponse): Table {
  return { columns: data.columns, rows: data.rows };
}

/** Component coordinates with their label, one row per sampled point. */
export function pcaTable(data: PcaAnalysis): Table {
  const label = data.points.label;
  return {
    columns: ['pc1', 'pc2', ...(label ? [data.labelColumn ?? 'label'] : [])],
    rows: data.points.x.map((x, index) => [
      x,
      data.points.y[index] ?? null,
      ...(label ? [label[index] ?? null] : []),
    ]),
  };
}

/** The matrix with the column names as the first column. */
export function correlationTable(data: CorrelationAnalysis): Table {
  return {
    columns: ['column', ...data.columns],
    rows: data.columns.map((name, index) => [name, ...(data.matrix[index] ?? [])]),
  };
}

/** One row per class: its label, count and mean at every column. */
export function profilesTable(data: ProfilesAnalysis): Table {
  return {
    columns: [data.labelColumn, 'count', ...data.columns],
    rows: data.classes.map((profile) => [profile.label, profile.count, ...profile.mean]),
  };
}
