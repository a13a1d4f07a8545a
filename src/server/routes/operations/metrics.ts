/**
 * `GET /metrics`: the Prometheus text exposition of the whole server (every worker and the
 * supervisor), or `?format=json` for people and scripts without a Prometheus.
 */
import type { FastifyInstance } from 'fastify';
import { BadParameterError } from '../../../errors.js';
import type { Operations } from '../../../observability/operations.js';

export interface MetricsRoutesOptions {
  readonly operations: Operations;
}

const FORMATS = ['prometheus', 'json'] as const;

export async function metricsRoutes(
  app: FastifyInstance,
  options: MetricsRoutesOptions,
): Promise<void> {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const { format = 'prometheus' } = request.query as { format?: unknown };
    if (typeof format !== 'string' || !FORMATS.includes(format as (typeof FORMATS)[number])) {
      throw new BadParameterError(
        'format',
        `format must be one of ${FORMATS.join(', ')} (default prometheus), got "${String(format)}"`,
      );
    }
    const rendered = await options.operations.collector.collect(format as (typeof FORMATS)[number]);
    return reply.header('cache-control', 'no-store').type(rendered.contentType).send(rendered.body);
  });
}
