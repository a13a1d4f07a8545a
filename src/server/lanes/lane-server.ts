/**
 * Lanes: answers given in front of Fastify's router when they can be given exactly as the route
 * would give them, for the requests that dominate a production server's load — load-balancer
 * probes (probe-lane.ts) and data answers this process already holds (answer-lane.ts). Fastify's
 * dozen hooks, its router and its validation cost several times a bare node:http answer, and
 * the runtime benchmark (issue 9) holds these requests to a share of bare node:http. A lane
 * that cannot answer exactly passes the request on; Fastify answers everything else.
 */
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyServerOptions } from 'fastify';

/** Fastify's request handler, or the next lane in front of it. */
export type LaneNext = (request: IncomingMessage, response: ServerResponse) => void;

/** Answers the request (now or later), or passes it on to `next`, exactly once. */
export type Lane = (request: IncomingMessage, response: ServerResponse, next: LaneNext) => void;

/**
 * Fastify's `serverFactory`: the HTTP/1.1 server Fastify would create, with `lanes` in front of
 * Fastify's handler, in order. The timeouts are set as Fastify sets them on a server of its own.
 */
export function laneServerFactory(
  lanes: readonly Lane[],
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
    // Chained once: no closure per request.
    const chain = lanes.reduceRight<LaneNext>(
      (next, lane) => (request, response) => lane(request, response, next),
      handler,
    );
    const server: Server = http.createServer(options.http ?? {}, chain);
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    if (options.maxRequestsPerSocket !== undefined && options.maxRequestsPerSocket > 0) {
      server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    }
    return server;
  };
}

/** A request with a body is never a lane's: its bytes must be read by the route. */
export function hasBody(request: IncomingMessage): boolean {
  return (
    request.headers['content-length'] !== undefined ||
    request.headers['transfer-encoding'] !== undefined
  );
}
