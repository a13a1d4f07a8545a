/**
 * The one stable text and digest of a query string, shared by the response cache's key and the
 * ETag. Both are asked for the same request in turn (the route's ETag, then the engine's cache
 * key), so the digest is remembered per query object: one normalisation and one SHA-256 per
 * request, not two. A query object is not changed once a handler holds it (the embed plugin
 * replaces `request.query` rather than editing it), which is what makes the memo sound.
 */
import { createHash } from 'node:crypto';
import type { RawQuery } from './sql/query-types.js';

/**
 * Keys sorted, repeated values kept in their order (they are ANDed filters, and `select` lists
 * keep their meaning): `b=2&a=1` and `a=1&b=2` share a key. Empty values are kept: `offset=`
 * is a different request (a 400) from no offset.
 */
export function normalizeQuery(raw: RawQuery): string {
  return Object.keys(raw)
    .filter((key) => raw[key] !== undefined)
    .sort()
    .map((key) => {
      const value = raw[key];
      return `${encodeURIComponent(key)}=${(Array.isArray(value) ? value : [value]).map((v) => encodeURIComponent(String(v))).join('&')}`;
    })
    .join('&');
}

const digests = new WeakMap<RawQuery, string>();

/** Dashboards and pollers repeat the same few queries: their digests are kept by text. */
const TEXT_DIGESTS_MAX = 4096;
const textDigests = new Map<string, string>();

/** 22 base64url characters (132 bits) of the SHA-256 of the normalized query. */
export function queryDigest(raw: RawQuery): string {
  let digest = digests.get(raw);
  if (digest === undefined) {
    const text = normalizeQuery(raw);
    digest = textDigests.get(text);
    if (digest === undefined) {
      if (textDigests.size >= TEXT_DIGESTS_MAX) textDigests.clear();
      digest = createHash('sha256').update(text).digest('base64url').slice(0, 22);
      textDigests.set(text, digest);
    }
    digests.set(raw, digest);
  }
  return digest;
}

/** Versions change when data does, rarely next to the request rate; bounded all the same. */
const VERSION_TAGS_MAX = 4096;
const versionTags = new Map<string, string>();

/**
 * A short digest of an answer kind and a dataset version: what, beside the query, makes an ETag.
 * A version is a long fingerprint; its digest is computed once per version, not per request.
 */
export function versionTag(kind: string, version: string): string {
  const key = `${kind}\0${version}`;
  let tag = versionTags.get(key);
  if (tag === undefined) {
    if (versionTags.size >= VERSION_TAGS_MAX) versionTags.clear();
    tag = createHash('sha256').update(key).digest('base64url').slice(0, 12);
    versionTags.set(key, tag);
  }
  return tag;
}
