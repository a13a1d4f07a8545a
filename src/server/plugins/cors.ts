/**
 * CORS for the origins in DASHPORT_CORS_ORIGINS, and none otherwise: without the variable no
 * CORS header is sent and browsers keep other sites out (same-origin is all the web app needs).
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** How long a browser may cache a preflight answer. */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

export interface CorsOptions {
  /** Allowed origins (`https://a.example`), or `*` for any. Empty: CORS off. */
  readonly origins: readonly string[];
}

async function corsPlugin(app: FastifyInstance, options: CorsOptions): Promise<void> {
  if (options.origins.length === 0) return;
  const any = options.origins.includes('*');
  const allowed = new Set(options.origins.map((origin) => origin.replace(/\/$/, '')));
  await app.register(cors, {
    origin: any
      ? '*'
      : (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'If-None-Match',
      'Last-Event-ID',
      'X-Request-Id',
    ],
    exposedHeaders: ['ETag', 'Last-Modified', 'Retry-After', 'Server-Timing', 'X-Request-Id'],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    // Bearer tokens travel in a header, not cookies: credentials mode is never needed.
    credentials: false,
  });
}

export default fp(corsPlugin, { name: 'dashport-cors', fastify: '5.x' });
