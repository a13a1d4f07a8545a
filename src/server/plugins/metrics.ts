/**
 * Records every response in the request-duration histogram and counter. The route label is the
 * route pattern (`/api/v1/datasets/:id`), never the raw URL, so the number of series stays
 * bounded whatever clients send.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Operations } from '../../observability/operations.js';

/** Records an answered request from its method, route label and status. */
export type RawRequestRecorder = (
  method: string,
  route: string,
  statusCode: number,
  seconds: number,
) => void;

/** The recorder for requests answered outside Fastify (the lanes). */
export function createRawRequestRecorder(operations: Operations): RawRequestRecorder {
  const requests = operations.metrics.httpRequestDuration;
  return (method, route, statusCode, seconds) => {
    requests.record(method, route, statusCode, seconds);
    operations.requestsServed += 1;
  };
}

/** The recorder of a lane (src/server/lanes): also counts what that lane answered. */
export function createLaneRecorder(
  operations: Operations,
  lane: 'probe' | 'answer',
): RawRequestRecorder {
  const record = createRawRequestRecorder(operations);
  const answered = operations.metrics.laneAnswers.labels(lane);
  return (method, route, statusCode, seconds) => {
    record(method, route, statusCode, seconds);
    answered.inc();
  };
}

/** Records a finished request whose route label the caller has looked up; call it from onResponse. */
export function createRequestRecorder(
  operations: Operations,
): (request: FastifyRequest, reply: FastifyReply, route: string) => void {
  const record = createRawRequestRecorder(operations);
  return (request, reply, route) => {
    record(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  };
}
