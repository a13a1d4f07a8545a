/**
 * `POST /api/v1/datasets/{id}/rows`: append a batch to a live dataset. The bearer token is
 * checked before the body is read; the body (JSON array, NDJSON or CSV by Content-Type) is
 * read as text here, so every format gets the same validation and the same error messages.
 * 201 `{"inserted": n}` once the batch is durable and visible.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { LiveService } from '../../../live/live-service.js';
import { BATCH_MEDIA_TYPES, batchFormatOf } from '../../../live/parse-batch.js';
import { authorize } from '../../plugins/auth.js';
import { createBearerCheck } from './bearer-token.js';

export interface IngestRoutesOptions {
  readonly live: LiveService;
  /** DASHPORT_API_TOKEN; undefined (and auth off) turns writes off (403). */
  readonly apiToken: string | undefined;
  /** Access control is on: write keys and users the rules admit may write too. */
  readonly authEnabled?: boolean;
  readonly bodyLimitBytes: number;
}

const errorBody = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  code: z.string().optional(),
  parameter: z.string().optional(),
});

/** The ingestion route; registered encapsulated, its body parsers stay its own. */
export async function ingestRoutes(
  app: FastifyInstance,
  options: IngestRoutesOptions,
): Promise<void> {
  // Without a token and without access control nobody can write: say so (403, naming the
  // variable) rather than asking for credentials that cannot exist.
  const writesOff =
    options.authEnabled !== true && (options.apiToken === undefined || options.apiToken === '');
  const refuseWrites = createBearerCheck(undefined);
  // Every body arrives as text: the batch parser tells JSON, NDJSON and CSV apart by type and
  // answers an unsupported type with a 415 that lists the accepted ones.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit: options.bodyLimitBytes },
    (_request, body, done) => {
      done(null, body);
    },
  );

  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/datasets/:id/rows',
    {
      schema: {
        tags: ['datasets'],
        summary: 'Append rows to a live dataset',
        description: `Requires \`Authorization: Bearer <DASHPORT_API_TOKEN>\` or a write key (or, with access control on, a signed-in user the dataset's rule admits). Body: a JSON array of objects, NDJSON or CSV with a header line (Content-Type ${Object.keys(BATCH_MEDIA_TYPES).join(', ')}). The batch is validated against the schema and written whole or not at all.`,
        params: z.object({ id: z.string().min(1).max(200).describe('dataset id') }),
        response: {
          201: z.object({ inserted: z.number().int() }),
          400: errorBody,
          401: errorBody,
          403: errorBody,
          404: errorBody,
          413: errorBody,
          415: errorBody,
          503: errorBody,
        },
      },
      onRequest: async (request, reply) => {
        try {
          if (writesOff) refuseWrites(undefined);
          const { id } = request.params as { id: string };
          authorize(request, { kind: 'dataset', id }, 'write');
        } catch (error) {
          reply.header('WWW-Authenticate', 'Bearer realm="dashport"');
          throw error;
        }
      },
    },
    async (request, reply) => {
      const format = batchFormatOf(request.headers['content-type']);
      const result = await options.live.ingest(request.params.id, format, request.body ?? '');
      reply.header('Location', `/api/v1/datasets/${encodeURIComponent(request.params.id)}/rows`);
      return reply.code(201).send({ inserted: result.inserted });
    },
  );
}
