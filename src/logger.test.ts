import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createIsoTime, redactUrlSecrets } from './logger.js';

describe('redactUrlSecrets', () => {
  it('hides URL passwords', () => {
    expect(redactUrlSecrets('postgres://u:secret@db/x')).toBe('postgres://u:***@db/x');
  });

  it('hides embed tokens in query strings, keeping the rest', () => {
    expect(redactUrlSecrets('GET /embed/tools?embed_token=eyJ.abc.def 200')).toBe(
      'GET /embed/tools?embed_token=*** 200',
    );
    expect(redactUrlSecrets('/api/v1/datasets/t/rows?format=csv&embed_token=a.b.c&limit=5')).toBe(
      '/api/v1/datasets/t/rows?format=csv&embed_token=***&limit=5',
    );
  });
});

describe('createIsoTime', () => {
  it('writes what pino.stdTimeFunctions.isoTime writes, for any instant and in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 253_402_300_799_999 }), { minLength: 1 }),
        (instants) => {
          let current = 0;
          const isoTime = createIsoTime(() => current);
          for (const instant of instants) {
            current = instant;
            expect(isoTime()).toBe(`,"time":"${new Date(instant).toISOString()}"`);
          }
        },
      ),
    );
  });
});
