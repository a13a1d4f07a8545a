import { describe, expect, it } from 'vitest';
import { redactUrlSecrets } from './logger.js';

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
