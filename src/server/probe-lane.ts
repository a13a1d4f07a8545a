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
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyServerOptions } from 'fastify';
import { requestIdFor } from './plugins/request-id.js';
import type { QuickHealth } from './quick-health.js';

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

/** Answers the request and returns true, or returns false for the router to answer. */
export type ProbeLane = (request: IncomingMessage, response: ServerResponse) => boolean;

export function createProbeLane(options: ProbeLaneOptions): ProbeLane {
  // Flat [name, value, …]: writeHead takes it without building a header object per request.
  const fixed = Object.entries(options.headers).flat();
  return (request, response) => {
    if (request.url !== PROBE_LANE_PATH || request.method !== 'GET') return false;
    if (
      request.headers['content-length'] !== undefined ||
      request.headers['transfer-encoding'] !== undefined
    ) {
      return false;
    }
    const started = performance.now();
    if (!options.open()) return false;
    const status = options.quick.fresh();
    if (status === undefined) return false;
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
    return true;
  };
}

/**
 * Fastify's `serverFactory`: the HTTP/1.1 server Fastify would create, with `lane` in front of
 * Fastify's handler. The timeouts are set as Fastify sets them on a server of its own.
 */
export function laneServerFactory(
  lane: ProbeLane,
): NonNullable<FastifyServerOptions['serverFactory']> {
  return (handler, fastifyOptions) => {
    // What Fastify puts on a server it creates, with its defaults already applied.
    const options = fastifyOptions as {
      readonly http?: http.ServerOptions;
      readonly keepAliveTimeout?: number;
      readonly requestTimeout?: number;
      readonly connectionTimeout?: number;
      readonly maxRequestsPerSocket?: number;
    };
    const server: Server = http.createServer(options.http ?? {}, (request, response) => {
      if (!lane(request, response)) handler(request, response);
    });
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    if (options.maxRequestsPerSocket !== undefined && options.maxRequestsPerSocket > 0) {
      server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    }
    return server;
  };
}
