/** The data API as the app calls it: typed JSON GETs that fail with the server's error body. */
import type {
  AggregateResponse,
  CorrelationAnalysis,
  DatasetDetail,
  DatasetSummary,
  ErrorBody,
  PcaAnalysis,
  ProfilesAnalysis,
  RowsResponse,
  SummaryAnalysis,
} from '../../../src/shared/api-types.js';
import type {
  DashboardDataResponse,
  DashboardDefinition,
  DashboardListResponse,
} from '../../../src/shared/dashboard-types.js';
import { DASHBOARD_LIST_PATH, dashboardDataPath } from '../../../src/shared/dashboard-data-url.js';
import { EMBED_TOKEN_HEADER, embedToken, withEmbedToken } from './embed-token.js';

/** A failed request: the HTTP status and, when the server sent one, its JSON error body. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody | undefined;
  constructor(status: number, message: string, body?: ErrorBody) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' && value !== null && typeof (value as ErrorBody).message === 'string'
  );
}

/** Dispatched on `window` when the API answers 401 (no identity, or an expired session). */
export const UNAUTHORIZED_EVENT = 'dashport:unauthorized';

/**
 * One GET of the API: JSON accepted, the embed token on every call (an embedded dashboard proves
 * its access with it), `If-None-Match` when given. A 304 comes back as the response; any other
 * failure becomes an ApiError, and a 401 also tells the app to offer a sign-in.
 */
async function fetchApi(url: string, signal?: AbortSignal, etag?: string): Promise<Response> {
  let response: Response;
  try {
    const token = embedToken();
    response = await fetch(url, {
      headers: {
        accept: 'application/json',
        ...(token !== undefined && { [EMBED_TOKEN_HEADER]: token }),
        ...(etag !== undefined && { 'if-none-match': etag }),
      },
      ...(signal && { signal }),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'the server cannot be reached; check the connection and retry');
  }
  if (!response.ok && !(response.status === 304 && etag !== undefined)) {
    if (response.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    const body: unknown = await response.json().catch(() => undefined);
    const message = isErrorBody(body) ? body.message : `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message, isErrorBody(body) ? body : undefined);
  }
  return response;
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return (await (await fetchApi(url, signal)).json()) as T;
}

const enc = encodeURIComponent;
const withQuery = (path: string, query: string): string =>
  query === '' ? path : `${path}?${query}`;

export type AnalysisResult = SummaryAnalysis | CorrelationAnalysis | PcaAnalysis | ProfilesAnalysis;

/** Every endpoint the app reads. */
export const api = {
  datasets: (signal?: AbortSignal) =>
    getJson<{ datasets: DatasetSummary[] }>('/api/v1/datasets', signal),
  dataset: (id: string, signal?: AbortSignal) =>
    getJson<DatasetDetail>(`/api/v1/datasets/${enc(id)}`, signal),
  summary: (id: string, signal?: AbortSignal) =>
    getJson<SummaryAnalysis>(`/api/v1/datasets/${enc(id)}/analysis/summary`, signal),
  correlation: (id: string, signal?: AbortSignal) =>
    getJson<CorrelationAnalysis>(`/api/v1/datasets/${enc(id)}/analysis/correlation`, signal),
  pca: (id: string, signal?: AbortSignal) =>
    getJson<PcaAnalysis>(`/api/v1/datasets/${enc(id)}/analysis/pca`, signal),
  profiles: (id: string, signal?: AbortSignal) =>
    getJson<ProfilesAnalysis>(`/api/v1/datasets/${enc(id)}/analysis/profiles`, signal),
  aggregate: (id: string, query: string, signal?: AbortSignal) =>
    getJson<AggregateResponse>(withQuery(`/api/v1/datasets/${enc(id)}/aggregate`, query), signal),
  rows: (id: string, query: string, signal?: AbortSignal) =>
    getJson<RowsResponse>(withQuery(`/api/v1/datasets/${enc(id)}/rows`, query), signal),
  dashboards: (signal?: AbortSignal) => getJson<DashboardListResponse>(DASHBOARD_LIST_PATH, signal),
  dashboard: (id: string, signal?: AbortSignal) =>
    getJson<DashboardDefinition>(`/api/v1/dashboards/${enc(id)}`, signal),
  dashboardData: (id: string, query: string, signal?: AbortSignal) =>
    getRevalidated<DashboardDataResponse>(dashboardDataPath(id, query), signal),
};

/** The last answer of each revalidated URL with its ETag (a few views; the newest kept). */
const validated = new Map<string, { etag: string; body: unknown }>();
const VALIDATED_URLS_MAX = 20;

/**
 * A JSON GET that sends the ETag of its last answer as If-None-Match: an unchanged answer is a
 * 304 with no body, and the very same object is returned (so nothing redraws).
 */
export async function getRevalidated<T>(url: string, signal?: AbortSignal): Promise<T> {
  const last = validated.get(url);
  const response = await fetchApi(url, signal, last?.etag);
  if (response.status === 304 && last !== undefined) return last.body as T;
  const body = (await response.json()) as T;
  const etag = response.headers.get('etag');
  validated.delete(url);
  if (etag !== null) validated.set(url, { etag, body });
  while (validated.size > VALIDATED_URLS_MAX) {
    const oldest = validated.keys().next().value;
    if (oldest === undefined) break;
    validated.delete(oldest);
  }
  return body;
}

/** The URL of a dataset's rows, e.g. for a CSV download link. */
export function rowsUrl(id: string, query: string): string {
  return withEmbedToken(withQuery(`/api/v1/datasets/${enc(id)}/rows`, query));
}

/** The events stream of a live dataset. */
export function eventsUrl(id: string): string {
  return withEmbedToken(`/api/v1/datasets/${enc(id)}/events`);
}
