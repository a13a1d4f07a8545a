/**
 * Zod schemas of the data API: they validate requests, document the API in /openapi.json and
 * describe the shapes the TypeScript types in src/shared/api-types.ts promise.
 */
import { z } from 'zod';
import { COLUMN_TYPES, type ColumnType } from '../../../shared/api-types.js';
import { documentsOnly } from '../../validator-compiler.js';

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** What the query-string parser gives for one key: every query schema below accepts any of it. */
export const queryValue = z.union([z.string(), z.array(z.string())]);

export const errorSchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  code: z.string().optional(),
  parameter: z.string().optional(),
});

const quantiles = z.object({ p05: cell, p25: cell, p50: cell, p75: cell, p95: cell }).nullable();

const columnStats = z.object({
  approximate: z.boolean().optional(),
  count: z.number(),
  nulls: z.number(),
  distinct: z.number(),
  min: cell,
  max: cell,
  mean: z.number().nullable(),
  std: z.number().nullable(),
  quantiles,
});

const datasetSummary = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().optional(),
  source: z.object({ kind: z.string(), location: z.string() }),
  rows: z.number().nullable(),
  columns: z.number().nullable(),
  cached: z.boolean(),
  live: z.boolean(),
  updatedAt: z.string().nullable(),
  state: z.enum(['ready', 'building', 'pending', 'broken', 'unavailable']),
  timeColumn: z.string().optional(),
  labelColumn: z.string().optional(),
  error: z.string().optional(),
});

export const datasetListSchema = z.object({ datasets: z.array(datasetSummary) });

export const datasetDetailSchema = datasetSummary.extend({
  columns: z.array(
    z.object({
      name: z.string(),
      type: z.enum(COLUMN_TYPES as [ColumnType, ...ColumnType[]]),
      nullable: z.boolean(),
      stats: columnStats.nullable().optional(),
    }),
  ),
  columnCount: z.number(),
});

export const rowsQuerySchema = documentsOnly(
  z
    .object({
      select: queryValue.optional().describe('comma-separated columns, e.g. `ts,band,mode`'),
      order: queryValue
        .optional()
        .describe('e.g. `ts.desc,band` (`.asc`, `.desc`, `.nullsfirst`, `.nullslast`)'),
      limit: queryValue.optional().describe('rows per page, default 100, max 10000'),
      offset: queryValue.optional().describe('rows to skip, default 0'),
      format: queryValue.optional().describe('json (default), csv, ndjson, parquet or arrow'),
    })
    .catchall(queryValue)
    .describe('plus filters `<column>=<op>.<value>` or `filter.<column>=<op>.<value>`'),
);

export const aggregateQuerySchema = documentsOnly(
  z
    .object({
      x: queryValue.optional().describe('column on the x axis'),
      bucket: queryValue
        .optional()
        .describe('time bucket for a date/timestamp x: minute hour day week month quarter year'),
      bins: queryValue.optional().describe('histogram a numeric x into N equal-width bins'),
      y: queryValue.optional().describe('column aggregated (not needed for count)'),
      agg: queryValue.optional().describe('count (default), sum, mean, min, max, median, distinct'),
      group: queryValue.optional().describe('column splitting the result into series'),
      top: queryValue.optional().describe('largest groups kept (default 10); the rest is `other`'),
      points: queryValue.optional().describe('downsample long series to at most N points (LTTB)'),
    })
    .catchall(queryValue)
    .describe('plus filters as in /rows'),
);

export const rowsResponseSchema = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(cell)),
  limit: z.number(),
  offset: z.number(),
});

export const aggregateResponseSchema = z.object({
  x: z.array(cell),
  series: z.array(z.object({ name: z.string(), y: z.array(z.number().nullable()) })),
  meta: z.object({ rowsScanned: z.number(), cached: z.boolean(), durationMs: z.number() }),
});

export const analysisResponseSchema = z
  .object({ dataset: z.string() })
  .catchall(z.unknown())
  .describe(
    'summary: {rows, columns:[{name,type,stats,histogram,top}]}; correlation: {columns, matrix, sampleRows}; pca: {columns, explainedVariance, points:{x,y,label}, labelColumn, sampleRows}; profiles: {labelColumn, columns, samplesPerClass, classes:[{label,count,mean,samples}]}',
  );
