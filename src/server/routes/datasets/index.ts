/**
 * `/api/v1/datasets…`: list, describe, rows (JSON, streamed CSV/NDJSON, Parquet, Arrow),
 * aggregate and analyses. Handlers are thin: parsing, SQL and caching live in the engine.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type AnalysisKind,
  ANALYSIS_KINDS,
  type DatasetQueries,
  type QueryTimings,
} from '../../../engine/dataset-queries.js';
import type { RawQuery } from '../../../engine/sql/query-types.js';
import { answerConditional, etagFor } from '../../http-cache.js';
import { authorize } from '../../plugins/auth.js';
import { csvLine, ndjsonLine } from './row-encoders.js';
import {
  aggregateQuerySchema,
  analysisResponseSchema,
  aggregateResponseSchema,
  datasetDetailSchema,
  datasetListSchema,
  errorSchema,
  rowsQuerySchema,
  rowsResponseSchema,
} from './schemas.js';

export interface DatasetRoutesOptions {
  readonly queries: DatasetQueries;
}

const idParams = z.object({ id: z.string().min(1).max(200).describe('dataset id') });

function recordTiming(request: FastifyRequest, timings: QueryTimings): void {
  request.serverTimings.push({
    name: 'db',
    durationMs: timings.dbMs,
    description: timings.cached ? 'cached' : 'engine',
  });
}

export async function datasetRoutes(
  app: FastifyInstance,
  options: DatasetRoutesOptions,
): Promise<void> {
  const { queries } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: errorSchema, 404: errorSchema, 503: errorSchema };

  api.get(
    '/api/v1/datasets',
    {
      schema: {
        tags: ['datasets'],
        summary: 'List datasets',
        response: { 200: datasetListSchema },
      },
    },
    async (request) => {
      const all = queries.list();
      // Left out, not refused: the list shows what this viewer may read.
      const allowed = new Set(
        request.server.access.readable(
          request.identity,
          'dataset',
          all.map((dataset) => dataset.id),
        ),
      );
      return { datasets: all.filter((dataset) => allowed.has(dataset.id)) };
    },
  );

  api.get(
    '/api/v1/datasets/:id',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Describe a dataset: columns, types, statistics',
        params: idParams,
        response: { 200: datasetDetailSchema, 404: errorSchema },
      },
    },
    async (request) => {
      authorize(request, { kind: 'dataset', id: request.params.id });
      return queries.describe(request.params.id);
    },
  );

  api.get(
    '/api/v1/datasets/:id/rows',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Rows with PostgREST-style select, order, paging and filters',
        description:
          'Filters: `<column>=<op>.<value>` or `filter.<column>=<op>.<value>` with op in eq neq gt gte lt lte like ilike in is, optionally prefixed by `not.`; e.g. `band=eq.20m`, `mode=in.(FT8,CW)`, `country=is.null`. `format=csv|ndjson` stream; `parquet|arrow` export.',
        params: idParams,
        querystring: rowsQuerySchema,
        response: { 200: rowsResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      authorize(request, { kind: 'dataset', id });
      const raw = request.query as RawQuery;
      const { entry, query } = queries.parseRows(id, raw);
      const etag = etagFor('rows', entry.version, raw);
      if (answerConditional(request, reply, etag, entry.updatedAt)) return reply;
      const timings: QueryTimings = { dbMs: 0, cached: false };
      switch (query.format) {
        case 'json': {
          const result = await queries.rows(id, raw, timings);
          recordTiming(request, timings);
          return result;
        }
        case 'csv':
        case 'ndjson':
          return streamRows(reply, queries, id, query.format, query);
        case 'parquet':
        case 'arrow': {
          const bytes = await queries.exportRows(id, query, query.format);
          return (
            reply
              .type(
                query.format === 'parquet'
                  ? 'application/vnd.apache.parquet'
                  : 'application/vnd.apache.arrow.stream',
              )
              .header(
                'Content-Disposition',
                `attachment; filename="${id}.${query.format === 'parquet' ? 'parquet' : 'arrows'}"`,
              )
              // Binary exports bypass the JSON response schema, which documents format=json.
              .send(Buffer.from(bytes) as never)
          );
        }
      }
    },
  );

  api.get(
    '/api/v1/datasets/:id/aggregate',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Chart-ready aggregate: x (bucketed or binned), series by group',
        params: idParams,
        querystring: aggregateQuerySchema,
        response: { 200: aggregateResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      authorize(request, { kind: 'dataset', id });
      const raw = request.query as RawQuery;
      const etag = etagFor('aggregate', queries.versionOf(id), raw);
      const timings: QueryTimings = { dbMs: 0, cached: false };
      if (answerConditional(request, reply, etag, queries.updatedAtOf(id))) return reply;
      const result = await queries.aggregate(id, raw, timings);
      recordTiming(request, timings);
      return result;
    },
  );

  api.get(
    '/api/v1/datasets/:id/analysis/:kind',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Precomputed analyses: summary, correlation, pca, profiles',
        params: idParams.extend({
          kind: z
            .enum(ANALYSIS_KINDS as [AnalysisKind, ...AnalysisKind[]])
            .describe('summary, correlation, pca or profiles'),
        }),
        response: { 200: analysisResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id, kind } = request.params;
      authorize(request, { kind: 'dataset', id });
      const etag = etagFor(`analysis-${kind}`, queries.versionOf(id), {});
      const result = await queries.analysis(id, kind);
      if (answerConditional(request, reply, etag, queries.updatedAtOf(id))) return reply;
      return result as unknown as { dataset: string } & Record<string, unknown>;
    },
  );
}

function streamRows(
  reply: FastifyReply,
  queries: DatasetQueries,
  id: string,
  format: 'csv' | 'ndjson',
  query: Parameters<DatasetQueries['streamRows']>[1],
): FastifyReply {
  const { columns, chunks } = queries.streamRows(id, query);
  async function* lines(): AsyncGenerator<string> {
    if (format === 'csv') yield csvLine(columns);
    for await (const rows of chunks) {
      let text = '';
      for (const row of rows) text += format === 'csv' ? csvLine(row) : ndjsonLine(columns, row);
      yield text;
    }
  }
  return reply
    .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
    .header('Content-Disposition', `inline; filename="${id}.${format}"`)
    .send(Readable.from(lines()) as never);
}
