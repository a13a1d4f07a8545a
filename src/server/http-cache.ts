/**
 * Conditional requests for data responses: a strong ETag from the dataset version and the
 * normalized query, `Last-Modified` from the data's own modification time, and 304 when the
 * client already holds this answer.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { normalizeQuery } from '../engine/dataset-queries.js';
import type { RawQuery } from '../engine/sql/query-types.js';

export function etagFor(kind: string, version: string, raw: RawQuery): string {
  const digest = createHash('sha256')
    .update(`${kind}\0${version}\0${normalizeQuery(raw)}`)
    .digest('base64url');
  return `"${digest.slice(0, 27)}"`;
}

function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/**
 * Sets the validators and answers 304 when they match; returns true when the reply was sent.
 * Data responses are revalidated every time (`no-cache`) so a new version is seen at once.
 * With access control on they are `private`: a shared cache never answers another viewer.
 */
export function answerConditional(
  request: FastifyRequest,
  reply: FastifyReply,
  etag: string,
  lastModified: Date | undefined,
): boolean {
  reply.header('ETag', etag);
  // With access control on, an answer is for its viewer alone: no shared cache keeps it.
  reply.header('Cache-Control', request.server.access.enabled ? 'private, no-cache' : 'no-cache');
  if (lastModified !== undefined && !Number.isNaN(lastModified.getTime())) {
    reply.header('Last-Modified', lastModified.toUTCString());
  }
  if (matches(request.headers['if-none-match'], etag)) {
    void reply.code(304).send();
    return true;
  }
  return false;
}
