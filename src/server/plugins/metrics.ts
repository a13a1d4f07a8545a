/**
 * Records every response in the request-duration histogram and counter. The route label is the
 * route pattern (`/api/v1/datasets/:id`), never the raw URL, so the number of series stays
 * bounded whatever clients send.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Operations } from '../../observability/operations.js';
import { UNMATCHED_ROUTE } from './access-log.js';

/** Records a finished request; call it from onResponse. */
export function createRequestRecorder(
  operations: Operations,
): (request: FastifyRequest, reply: FastifyReply) => void {
  const { httpRequestDuration, httpRequests } = operations.metrics;
  return (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status_code: String(reply.statusCode),
    };
    httpRequestDuration.observe(labels, reply.elapsedTime / 1000);
    httpRequests.inc(labels);
    operations.requestsServed += 1;
  };
}
