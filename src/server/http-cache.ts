/**
 * Conditional requests for data responses: a strong ETag from the dataset version and the
 * normalized query, `Last-Modified` from the data's own modification time, and 304 when the
 * client already holds this answer.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { queryDigest, versionTag } from '../engine/query-digest.js';
import type { RawQuery } from '../engine/sql/query-types.js';

/** Strong: the same kind, version and normalized query is the same bytes. */
export function etagFor(kind: string, version: string, raw: RawQuery): string {
  return `"${versionTag(kind, version)}${queryDigest(raw)}"`;
}

/**
 * Cache-Control of a data answer: revalidated every time (`no-cache`) so a new version is seen
 * at once, and with access control on `private`, so a shared cache never answers another viewer.
 */
export function dataCacheControl(accessEnabled: boolean): string {
  return accessEnabled ? 'private, no-cache' : 'no-cache';
}

/** Whether an If-None-Match header names `etag` (or `*`). */
export function conditionalMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/** Sets the validators and answers 304 when they match; returns true when the reply was sent. */
export function answerConditional(
  request: FastifyRequest,
  reply: FastifyReply,
  etag: string,
  lastModified: Date | undefined,
): boolean {
  reply.header('ETag', etag);
  reply.header('Cache-Control', dataCacheControl(request.server.access.enabled));
  if (lastModified !== undefined && !Number.isNaN(lastModified.getTime())) {
    reply.header('Last-Modified', lastModified.toUTCString());
  }
  if (conditionalMatches(request.headers['if-none-match'], etag)) {
    void reply.code(304).send();
    return true;
  }
  return false;
}
