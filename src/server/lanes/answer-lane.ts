/**
 * The answer lane: `GET /api/v1/datasets/{id}/aggregate` answered in front of the router when
 * this process already holds the answer in its response cache. Dashboards ask the same few
 * aggregates over and over, and the runtime benchmark holds a cached aggregate to 60 % of a
 * bare node:http server (issue 9), which Fastify's hooks, router and schema checks alone use
 * up. The answer is the route's: the same body, status, validators (ETag, Last-Modified, 304),
 * security and RateLimit headers, X-Request-Id and Server-Timing; it is counted in the request
 * metrics, the cache metrics and DASHPORT_MAX_REQUESTS, and written to the access log.
 *
 * It decides who may see it as the route does, through the one policy: only a request that
 * carries no credential of any sign-in method (so it is anonymous, as `resolveIdentity` would
 * find) and whose dataset the policy lets an anonymous viewer read is answered here. A request
 * with a credential, a denied one, an unknown or unready dataset, an uncached answer, a refusal
 * by the rate limit, CORS, a body, an encoded or unusual path, and every request while the
 * worker drains, logs at debug or closes, goes on to Fastify, which answers it in full.
 */
import { Buffer } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import querystring from 'fast-querystring';
import type { AccessControl } from '../../auth/access-control.js';
import { embedTokenOf } from '../../auth/embed-resolver.js';
import { ANONYMOUS } from '../../auth/identity.js';
import { type IdentityResolver, carriesCredential } from '../../auth/identity-resolver.js';
import type { DatasetQueries } from '../../engine/dataset-queries.js';
import type { RawQuery } from '../../engine/sql/query-types.js';
import type { AggregateResponse } from '../../shared/api-types.js';
import type { Logger } from '../../logger.js';
import type { TakeOutcome } from '../../resilience/lease-limiter.js';
import { queryDigest } from '../../engine/query-digest.js';
import { conditionalMatches, dataCacheControl, etagFor } from '../http-cache.js';
import { serializeJson } from '../json-serializer.js';
import { accessLine } from '../plugins/access-log.js';
import type { RawRequestRecorder } from '../plugins/metrics.js';
import type { RateLimitGate } from '../plugins/rate-limit.js';
import { requestIdFor } from '../plugins/request-id.js';
import { type Lane, hasBody } from './lane-server.js';

export const ANSWER_LANE_ROUTE = '/api/v1/datasets/:id/aggregate';
const PREFIX = '/api/v1/datasets/';
const SUFFIX = '/aggregate';
/** Ids the router would pass through unchanged: anything else (`%`, `/`, `;`) goes to it. */
const PLAIN_ID = /^[A-Za-z0-9_.-]{1,200}$/;
const JSON_TYPE = 'application/json; charset=utf-8';
const CACHED_TIMING = 'db;dur=0.00;desc="cached", total;dur=';

/** What the lane asks; present once the app is built (until then every request goes on). */
export interface AnswerLaneServices {
  readonly queries: Pick<DatasetQueries, 'peekAggregate' | 'versionOf' | 'updatedAtOf'>;
  readonly access: AccessControl;
  readonly resolvers: readonly IdentityResolver[];
  /** DASHPORT_RATE_LIMIT's counters; undefined when rate limiting is off. */
  readonly rateLimit: RateLimitGate | undefined;
}

export interface AnswerLaneOptions {
  /** The headers every response carries (security-headers.ts). */
  readonly headers: Readonly<Record<string, string>>;
  readonly record: RawRequestRecorder;
  /** False while every request must go to Fastify (draining, debug logging, closing, CORS on). */
  readonly open: () => boolean;
  /** Fastify's `request.ip` for this request (client-address.ts). */
  readonly clientAddress: (request: IncomingMessage) => string | undefined;
  readonly logger: Pick<Logger, 'info' | 'isLevelEnabled'>;
  readonly services: () => AnswerLaneServices | undefined;
}

/**
 * What a URL comes to once parsed: its dataset, query digest and validators for one dataset
 * version. Dashboards and pollers repeat the same few URLs, so this is worked out once per URL
 * and version; who asks, the policy and the cache are still asked on every request.
 */
interface Prepared {
  readonly id: string;
  readonly query: Readonly<Record<string, unknown>>;
  readonly digest: string;
  readonly version: string;
  readonly etag: string;
  /** `etag`, Cache-Control and Last-Modified, flat for writeHead. */
  readonly validators: readonly string[];
}

/** The answer in hand, and what writing it needs. */
interface Found {
  readonly prepared: Prepared;
  readonly body: Body;
  readonly started: number;
}

interface Body {
  readonly text: string;
  readonly bytes: number;
}

/**
 * The bodies of one cached answer by `meta.durationMs`. A hit here takes microseconds and
 * durationMs is rounded to 10 µs, so an answer has two or three distinct bodies: each is
 * written once, not on every request (serializing and measuring it cost more than the rest).
 */
const bodies = new WeakMap<
  object,
  { readonly x: object; readonly byDuration: Map<number, Body> }
>();
const BODIES_PER_ANSWER = 4;
const REMEMBERED_BODY_BYTES = 64 * 1024;

function freshBody(answer: AggregateResponse): Body {
  const text = serializeJson(answer);
  return { text, bytes: Buffer.byteLength(text) };
}

/** A cache entry's body: its frozen `series` and `x` are the same objects on every hit. */
function bodyOf(answer: AggregateResponse): Body {
  let known = bodies.get(answer.series);
  if (known === undefined) {
    known = { x: answer.x, byDuration: new Map() };
    bodies.set(answer.series, known);
  }
  if (known.x !== answer.x) return freshBody(answer);
  let body = known.byDuration.get(answer.meta.durationMs);
  if (body === undefined) {
    body = freshBody(answer);
    // A few small bodies per answer: a large one, or a slow machine's spread of durations,
    // must not keep copies of an answer alive beside the cache's own.
    if (known.byDuration.size < BODIES_PER_ANSWER && body.bytes <= REMEMBERED_BODY_BYTES) {
      known.byDuration.set(answer.meta.durationMs, body);
    }
  }
  return body;
}

/** URLs remembered; past this the memo starts over (a crawler's URLs must not grow it). */
const PREPARED_MAX = 2048;

export function createAnswerLane(options: AnswerLaneOptions): Lane {
  const fixed = Object.entries(options.headers).flat();
  const preparedByUrl = new Map<string, Prepared>();

  function write(
    request: IncomingMessage,
    response: ServerResponse,
    found: Found,
    rateHeaders: readonly (readonly [string, string])[],
    ip: string | undefined,
  ): void {
    const { prepared } = found;
    const notModified = conditionalMatches(request.headers['if-none-match'], prepared.etag);
    const status = notModified ? 304 : 200;
    const requestId = requestIdFor(request);
    // slice + push: Array#concat takes a slow path here (several µs a request).
    const headers = fixed.slice();
    headers.push('x-request-id', requestId);
    for (const [name, value] of rateHeaders) headers.push(name, value);
    for (const item of prepared.validators) headers.push(item);
    const bytes = notModified ? 0 : found.body.bytes;
    const ms = performance.now() - found.started;
    if (notModified) {
      headers.push('server-timing', CACHED_TIMING + ms.toFixed(2));
    } else {
      headers.push(
        'content-type',
        JSON_TYPE,
        'server-timing',
        CACHED_TIMING + ms.toFixed(2),
        'content-length',
        String(bytes),
      );
    }
    response.writeHead(status, headers);
    response.end(notModified ? undefined : found.body.text);
    options.record('GET', ANSWER_LANE_ROUTE, status, ms / 1000);
    if (!options.logger.isLevelEnabled('info')) return;
    const [fields, message] = accessLine({
      method: 'GET',
      route: ANSWER_LANE_ROUTE,
      url: request.url ?? '',
      status,
      elapsedMs: ms,
      bytes,
      ip,
      userAgent: request.headers['user-agent'],
    });
    options.logger.info({ reqId: requestId, ...fields }, message);
  }

  /** The URL parsed for the dataset's current version, or undefined when it is not ours. */
  function prepare(url: string, services: AnswerLaneServices): Prepared | undefined {
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    if (!path.endsWith(SUFFIX) || url.includes('#')) return undefined;
    const id = path.slice(PREFIX.length, path.length - SUFFIX.length);
    if (!PLAIN_ID.test(id)) return undefined;
    let version: string;
    try {
      version = services.queries.versionOf(id);
    } catch {
      // An unknown dataset: the route's 404 names the known ones.
      return undefined;
    }
    const known = preparedByUrl.get(url);
    if (known !== undefined && known.version === version) return known;
    const search = mark < 0 ? '' : url.slice(mark + 1);
    // Fastify's own parser, called as its router calls it: the same query, the same digest.
    const query = (search.length === 0 ? {} : querystring.parse(search)) as RawQuery;
    const etag = etagFor('aggregate', version, query);
    const validators = ['etag', etag, 'cache-control', dataCacheControl(services.access.enabled)];
    const updatedAt = services.queries.updatedAtOf(id);
    if (updatedAt !== undefined && !Number.isNaN(updatedAt.getTime())) {
      validators.push('last-modified', updatedAt.toUTCString());
    }
    const prepared: Prepared = { id, query, digest: queryDigest(query), version, etag, validators };
    if (preparedByUrl.size >= PREPARED_MAX) preparedByUrl.clear();
    preparedByUrl.set(url, prepared);
    return prepared;
  }

  /** The cached answer this request may be given here, or undefined. */
  function find(request: IncomingMessage, services: AnswerLaneServices): Found | undefined {
    if (hasBody(request)) return undefined;
    const started = performance.now();
    const prepared = prepare(request.url ?? '', services);
    if (prepared === undefined) return undefined;
    const { id } = prepared;
    const carrier = { headers: request.headers, query: prepared.query };
    // An embed token is the route's even where no resolver checks it: without a session
    // secret the embed plugin refuses it (a link whose locks nothing would apply).
    if (carriesCredential(services.resolvers, carrier) || embedTokenOf(carrier) !== undefined) {
      return undefined;
    }
    if (!services.access.decide(ANONYMOUS, { kind: 'dataset', id }).allow) return undefined;
    const answer = services.queries.peekAggregate(id, prepared.digest);
    if (answer === undefined) return undefined;
    // Only frozen cache entries are remembered by identity: anything else is written afresh.
    const body =
      Object.isFrozen(answer.series) && Object.isFrozen(answer.x)
        ? bodyOf(answer)
        : freshBody(answer);
    return { prepared, body, started };
  }

  return (request, response, next) => {
    if (request.method !== 'GET' || request.url?.startsWith(PREFIX) !== true) {
      next(request, response);
      return;
    }
    const services = options.services();
    const found = services !== undefined && options.open() ? find(request, services) : undefined;
    if (services === undefined || found === undefined) {
      next(request, response);
      return;
    }
    const ip = options.clientAddress(request);
    const gate = services.rateLimit;
    if (gate === undefined || !gate.applies(request.url)) {
      write(request, response, found, [], ip);
      return;
    }
    const decide = (outcomes: readonly TakeOutcome[]): void => {
      const verdict = gate.verdict(outcomes);
      if (verdict.refused === undefined) {
        write(request, response, found, verdict.headers, ip);
        return;
      }
      // The route answers the 429 (its body, its metric): it takes the tokens again, so the
      // ones taken here go back first.
      gate.giveBack(outcomes);
      next(request, response);
    };
    const taken = gate.take(ip ?? '');
    if (taken instanceof Promise) {
      taken.then(decide, () => next(request, response));
    } else {
      decide(taken);
    }
  };
}
