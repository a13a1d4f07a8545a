import { describe, expect, it } from 'vitest';
import { TIMEOUT_CODE, createRequestLog, errorCodeOf } from '../../bench/lib/request-log.js';

describe('bench request log', () => {
  it('keeps the slowest request and counts those past the timeout and those timed out', () => {
    const log = createRequestLog(1_000);
    expect(log.summary()).toEqual({
      sent: 0,
      slowest: undefined,
      timeoutMs: 1_000,
      overTimeout: 0,
      timedOut: 0,
    });
    log.record({ url: '/a', ms: 12, status: 200 });
    log.record({ url: '/b', ms: 1_003, status: 503, code: TIMEOUT_CODE });
    log.record({ url: '/c', ms: 1_500, status: 200 });
    log.record({ url: '/d', ms: 999, status: 503, code: 'DASHPORT_ERR_DATASET_NOT_READY' });
    expect(log.summary()).toEqual({
      sent: 4,
      slowest: { url: '/c', ms: 1_500, status: 200 },
      timeoutMs: 1_000,
      overTimeout: 2,
      timedOut: 1,
    });
  });

  it('reads the code of a JSON error body, and nothing from other bodies', () => {
    expect(errorCodeOf(JSON.stringify({ statusCode: 503, code: TIMEOUT_CODE }))).toBe(TIMEOUT_CODE);
    expect(errorCodeOf('{"x":[1]}')).toBeUndefined();
    expect(errorCodeOf('<html>502 Bad Gateway</html>')).toBeUndefined();
  });
});
