/**
 * The security headers of SPEC §5 on every response — pages, API, errors, 404s, static files:
 * a strict Content-Security-Policy, nosniff, X-Frame-Options DENY, Referrer-Policy,
 * Cross-Origin-Opener-Policy, and HSTS in production only (over plain-HTTP development it would
 * pin a browser to HTTPS for a year).
 *
 * The values are what helmet sets when configured strictly, but computed once: @fastify/helmet
 * rebuilds the whole helmet middleware on every request, which halved the throughput of
 * /health/quick in our measurement. The set is fixed per process, so the edge applies this
 * table in its one onRequest hook; set there, the headers survive whatever later produces the
 * body, including the error handler and @fastify/static. Nothing in the stack sets
 * X-Powered-By (Fastify does not), and the tests check that it stays that way.
 */

/**
 * The policy the web app runs under. `default-src 'self'` already covers styles, fonts and
 * fetches; ECharts' canvas renderer styles elements through the CSSOM (element.style), which
 * CSP does not govern, so no 'unsafe-inline' is needed. base-uri, form-action, frame-ancestors
 * and object-src do not fall back to default-src and are set explicitly. No
 * upgrade-insecure-requests: a server reached over plain HTTP on a LAN must keep working.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** Two years with subdomains, the HSTS preload list's minimum. */
export const HSTS_VALUE = 'max-age=63072000; includeSubDomains';

/**
 * Every header and its reason; HSTS is added in production. Helmet's legacy extras
 * (X-XSS-Protection: 0, X-Download-Options, X-DNS-Prefetch-Control,
 * X-Permitted-Cross-Domain-Policies, Origin-Agent-Cluster) are left out: they address IE,
 * Flash or prefetch privacy, not this server, and every response — including the probes a load
 * balancer sends thousands of times a minute — would carry their bytes.
 */
export function securityHeaderTable(production: boolean): Readonly<Record<string, string>> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    // Browsers must not guess a script out of a JSON or CSV body.
    'x-content-type-options': 'nosniff',
    // Older browsers ignore frame-ancestors; nothing of ours is meant to be framed.
    'x-frame-options': 'DENY',
    // Dashboards' URLs carry filter values; other sites get the origin at most.
    'referrer-policy': 'strict-origin-when-cross-origin',
    // A window we open (or that opens us) gets no handle on ours.
    'cross-origin-opener-policy': 'same-origin',
    // Other sites cannot embed our data as an image or script (CORS requests are unaffected).
    'cross-origin-resource-policy': 'same-origin',
    ...(production ? { 'strict-transport-security': HSTS_VALUE } : {}),
  };
}

/**
 * The policy of embed responses (the `/embed/` page and the API calls its token makes): the
 * same, but framable by DASHPORT_EMBED_ORIGINS. With no origins configured it stays
 * `frame-ancestors 'none'`: the link then opens as a page of its own and nothing frames it.
 */
export function embedContentSecurityPolicy(origins: readonly string[]): string {
  if (origins.length === 0) return CONTENT_SECURITY_POLICY;
  return CONTENT_SECURITY_POLICY.replace(
    "frame-ancestors 'none'",
    `frame-ancestors ${origins.join(' ')}`,
  );
}
