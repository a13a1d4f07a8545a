/**
 * The probe lane: `GET /health/quick` answered in front of the router when a recent status is
 * known. Load balancers and orchestrators poll it from every node every few seconds, and the
 * runtime benchmark holds it to 80 % of a bare node:http server (issue 9): with a dozen
 * Fastify hooks between the socket and a 60-byte body it could not get there. The answer is
 * the one the route gives — status, body, the security headers, X-Request-Id — and it is
 * counted in the request metrics and toward DASHPORT_MAX_REQUESTS like any other request.
 * Everything else, and this path whenever the lane cannot answer exactly as the route would
 * (no fresh status, a query string, HEAD, a request body, a draining worker, debug access
 * logging, a closing server), goes to Fastify.
 */
import { requestIdFor } from '../plugins/request-id.js';
import type { QuickHealth } from '../quick-health.js';
import { type Lane, hasBody } from './lane-server.js';

export const PROBE_LANE_PATH = '/health/quick';
const JSON_TYPE = 'application/json; charset=utf-8';

export interface ProbeLaneOptions {
  readonly quick: QuickHealth;
  /** The headers every response carries (security-headers.ts). */
  readonly headers: Readonly<Record<string, string>>;
  /** Records an answered request, as the edge's recorder does. */
  readonly record: (method: string, route: string, statusCode: number, seconds: number) => void;
  /** False while the lane must leave the path to the route (draining, debug logging, closing). */
  readonly open: () => boolean;
}

export function createProbeLane(options: ProbeLaneOptions): Lane {
  // Flat [name, value, …]: writeHead takes it without building a header object per request.
  const fixed = Object.entries(options.headers).flat();
  return (request, response, next) => {
    if (request.url !== PROBE_LANE_PATH || request.method !== 'GET' || hasBody(request)) {
      next(request, response);
      return;
    }
    const started = performance.now();
    const status = options.open() ? options.quick.fresh() : undefined;
    if (status === undefined) {
      next(request, response);
      return;
    }
    response.writeHead(status.code, [
      ...fixed,
      'x-request-id',
      requestIdFor(request),
      'content-type',
      JSON_TYPE,
      'content-length',
      String(status.bytes),
    ]);
    response.end(status.body);
    options.record('GET', PROBE_LANE_PATH, status.code, (performance.now() - started) / 1000);
  };
}
