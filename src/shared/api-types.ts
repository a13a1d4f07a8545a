/**
 * Shapes of the HTTP API shared by the server, the OpenAPI document and the web app.
 * Plain types only: no Node or DOM types, so both sides compile against them.
 */

export type ColumnType = 'integer' | 'float' | 'string' | 'boolean' | 'date' | 'timestamp';
export const COLUMN_TYPES: readonly ColumnType[] = [
  'integer',
  'float',
  'string',
  'boolean',
  'date',
  'timestamp',
];

export type SourceKind =
  | 'csv'
  | 'parquet'
  | 'json'
  | 'ndjson'
  | 'sqlite'
  /** A `<id>.sql` file: one SELECT over other datasets (SPEC §10). */
  | 'sql'
  | 'postgres';

/** A value as it travels in JSON: dates and timestamps are ISO strings. */
export type CellValue = string | number | boolean | null;

export interface Quantiles {
  readonly p05: number | string | null;
  readonly p25: number | string | null;
  readonly p50: number | string | null;
  readonly p75: number | string | null;
  readonly p95: number | string | null;
}

export interface ColumnStats {
  /** Distinct and quantiles come from sketches (large tables); everything else is exact. */
  readonly approximate?: boolean;
  readonly count: number;
  readonly nulls: number;
  readonly distinct: number;
  readonly min: CellValue;
  readonly max: CellValue;
  readonly mean: number | null;
  readonly std: number | null;
  readonly quantiles: Quantiles | null;
}

export interface Histogram {
  /** bins + 1 edges; bin i covers [edges[i], edges[i+1]) and the last one is closed. */
  readonly edges: number[];
  readonly counts: number[];
}

export interface TopValue {
  readonly value: CellValue;
  readonly count: number;
}

export interface ColumnInfo {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly stats?: ColumnStats | null;
}

export type DatasetState = 'ready' | 'building' | 'pending' | 'broken' | 'unavailable';

export interface DatasetSummary {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly source: { readonly kind: SourceKind; readonly location: string };
  readonly rows: number | null;
  readonly columns: number | null;
  readonly cached: boolean;
  readonly live: boolean;
  readonly updatedAt: string | null;
  readonly state: DatasetState;
  readonly timeColumn?: string;
  readonly labelColumn?: string;
  readonly error?: string;
}

export interface DatasetDetail extends Omit<DatasetSummary, 'columns'> {
  readonly columns: ColumnInfo[];
  readonly columnCount: number;
}

export interface RowsResponse {
  readonly columns: string[];
  readonly rows: CellValue[][];
  readonly limit: number;
  readonly offset: number;
}

export interface AggregateSeries {
  readonly name: string;
  readonly y: (number | null)[];
}

export interface AggregateResponse {
  readonly x: CellValue[];
  readonly series: AggregateSeries[];
  readonly meta: {
    readonly rowsScanned: number;
    readonly cached: boolean;
    readonly durationMs: number;
  };
}

export interface ColumnSummary {
  readonly name: string;
  readonly type: ColumnType;
  readonly stats: ColumnStats;
  readonly histogram: Histogram | null;
  readonly top: TopValue[] | null;
}

export interface SummaryAnalysis {
  readonly dataset: string;
  readonly rows: number;
  readonly columns: ColumnSummary[];
}

export interface CorrelationAnalysis {
  readonly dataset: string;
  readonly columns: string[];
  /** Pearson coefficients; null where a column is constant. */
  readonly matrix: (number | null)[][];
  readonly sampleRows: number;
}

export interface PcaAnalysis {
  readonly dataset: string;
  readonly columns: string[];
  /** Fraction of the total variance of the first two components. */
  readonly explainedVariance: [number, number];
  readonly points: {
    readonly x: number[];
    readonly y: number[];
    readonly label: CellValue[] | null;
  };
  readonly labelColumn: string | null;
  readonly sampleRows: number;
}

export interface ClassProfile {
  readonly label: CellValue;
  readonly count: number;
  readonly mean: (number | null)[];
  readonly samples: (number | null)[][];
}

export interface ProfilesAnalysis {
  readonly dataset: string;
  readonly labelColumn: string;
  readonly columns: string[];
  readonly samplesPerClass: number;
  readonly classes: ClassProfile[];
}

export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
  readonly code?: string;
  readonly parameter?: string;
}
