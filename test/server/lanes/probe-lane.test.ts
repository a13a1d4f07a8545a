import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListeningTestApp, startListeningTestApp } from '../../helpers/test-app.js';

describe('the probe lane in front of the router', () => {
  let server: ListeningTestApp;
  let base: string;

  beforeAll(async () => {
    server = await startListeningTestApp(
      'probe-lane',
      { 'data/notes.csv': 'tool,n\na,1\nb,2\n' },
      () => ({ NODE_ENV: 'production' }),
    );
    base = server.base;
  });
  afterAll(async () => {
    await server.close();
  });

  const headersOf = (response: Response) =>
    Object.fromEntries(
      [...response.headers].filter(([name]) => !['date', 'x-request-id'].includes(name)),
    );

  it('answers exactly as the route does, and is counted in the metrics', async () => {
    // The first answer comes from the route (no status yet), the next from the lane.
    const viaRoute = await fetch(`${base}/health/quick`);
    const routeBody = await viaRoute.text();
    const viaLane = await fetch(`${base}/health/quick`);
    expect(viaLane.status).toBe(viaRoute.status);
    expect(await viaLane.text()).toBe(routeBody);
    expect(headersOf(viaLane)).toEqual(headersOf(viaRoute));
    expect(viaLane.headers.get('strict-transport-security')).toContain('max-age=');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const count = metrics.match(
      /dashport_http_requests_total\{method="GET",route="\/health\/quick",status_code="200"\} (\d+)/,
    );
    expect(Number(count?.[1])).toBe(2);
  });

  it('echoes a sane X-Request-Id and replaces a bad one', async () => {
    const kept = await fetch(`${base}/health/quick`, { headers: { 'x-request-id': 'probe-1' } });
    expect(kept.headers.get('x-request-id')).toBe('probe-1');
    const replaced = await fetch(`${base}/health/quick`, { headers: { 'x-request-id': 'a b' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leaves HEAD, query strings and other paths to the router', async () => {
    const head = await fetch(`${base}/health/quick`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const query = await fetch(`${base}/health/quick?verbose=1`);
    expect(await query.json()).toMatchObject({ status: expect.any(String) });
    expect((await fetch(`${base}/health/quick/x`)).status).toBe(404);
  });
});
