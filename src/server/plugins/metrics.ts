/**
 * Records every response in the request-duration histogram and counter. The route label is the
 * route pattern (`/api/v1/datasets/:id`), never the raw URL, so the number of series stays
 * bounded whatever clients send.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Operations } from '../../observability/operations.js';
import { UNMATCHED_ROUTE } from './access-log.js';

export interface RequestMetricsOptions {
  readonly operations: Operations;
}

async function requestMetrics(app: FastifyInstance, options: RequestMetricsOptions): Promise<void> {
  const { operations } = options;
  const { httpRequestDuration, httpRequests } = operations.metrics;
  app.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status_code: String(reply.statusCode),
    };
    httpRequestDuration.observe(labels, reply.elapsedTime / 1000);
    httpRequests.inc(labels);
    operations.requestsServed += 1;
    done();
  });
}

export default fp(requestMetrics, { name: 'dashport-request-metrics', fastify: '5.x' });
