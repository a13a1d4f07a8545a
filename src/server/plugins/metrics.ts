/**
 * Records every response in the request-duration histogram and counter. The route label is the
 * route pattern (`/api/v1/datasets/:id`), never the raw URL, so the number of series stays
 * bounded whatever clients send.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Operations } from '../../observability/operations.js';

/** Records a finished request whose route label the caller has looked up; call it from onResponse. */
export function createRequestRecorder(
  operations: Operations,
): (request: FastifyRequest, reply: FastifyReply, route: string) => void {
  const requests = operations.metrics.httpRequestDuration;
  return (request, reply, route) => {
    requests.record(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    operations.requestsServed += 1;
  };
}
