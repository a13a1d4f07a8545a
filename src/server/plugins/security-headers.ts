/**
 * The security headers of SPEC §5 on every response — pages, API, errors, 404s, static files:
 * a strict Content-Security-Policy, nosniff, X-Frame-Options DENY, Referrer-Policy,
 * Cross-Origin-Opener-Policy, and HSTS in production only (over plain-HTTP development it would
 * pin a browser to HTTPS for a year).
 *
 * The values are helmet's, configured strictly, but computed once: @fastify/helmet rebuilds
 * the whole helmet middleware on every request, which halved the throughput of /health/quick
 * in our measurement. The header set is fixed per process, so a constant table does the same
 * work for the cost of one hook. Set in onRequest, the headers survive whatever later
 * produces the body, including the error handler and @fastify/static. Nothing in the stack
 * sets X-Powered-By (Fastify does not), and the tests check that it stays that way.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { SecurityPosture } from '../../observability/operations.js';

/**
 * The policy the web app runs under. ECharts' canvas renderer styles elements through the
 * CSSOM (element.style), which CSP does not govern, so style-src needs no 'unsafe-inline'.
 * No upgrade-insecure-requests: a server reached over plain HTTP on a LAN must keep working.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** Two years with subdomains, the HSTS preload list's minimum. */
export const HSTS_VALUE = 'max-age=63072000; includeSubDomains';

/** Every header and its reason; HSTS is added in production. */
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
    // Our responses are not embeddable by other origins (CORS requests are unaffected).
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-permitted-cross-domain-policies': 'none',
    // The legacy XSS auditor causes more holes than it closes; CSP does the job.
    'x-xss-protection': '0',
    ...(production ? { 'strict-transport-security': HSTS_VALUE } : {}),
  };
}

export interface SecurityHeadersOptions {
  readonly production: boolean;
  /** Filled in with what is enforced, for the /health security check. */
  readonly posture?: SecurityPosture;
}

async function securityHeaders(app: FastifyInstance, options: SecurityHeadersOptions): Promise<void> {
  const table = securityHeaderTable(options.production);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(table);
    done();
  });
  if (options.posture) {
    options.posture.cspEnabled = true;
    options.posture.hstsEnabled = options.production;
  }
}

export default fp(securityHeaders, { name: 'dashport-security-headers', fastify: '5.x' });
