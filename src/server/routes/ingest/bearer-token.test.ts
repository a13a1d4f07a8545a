import { describe, expect, it } from 'vitest';
import { isDashportError } from '../../../errors.js';
import { createBearerCheck } from './bearer-token.js';

function outcome(check: (header: string | undefined) => void, header: string | undefined) {
  try {
    check(header);
    return 'ok';
  } catch (error) {
    return isDashportError(error) ? `${error.status} ${error.code}` : String(error);
  }
}

describe('createBearerCheck', () => {
  const check = createBearerCheck('s3cret-token');

  it('accepts the right token, case-insensitively on the scheme', () => {
    expect(outcome(check, 'Bearer s3cret-token')).toBe('ok');
    expect(outcome(check, 'bearer  s3cret-token ')).toBe('ok');
  });

  it('answers 401 for a missing, malformed or wrong token', () => {
    for (const header of [
      undefined,
      '',
      'Basic czNjcmV0',
      'Bearer',
      'Bearer s3cret-tokeN',
      'Bearer s3cret-token-longer',
      'Bearer s3cret',
    ]) {
      expect(outcome(check, header), String(header)).toBe('401 DASHPORT_ERR_UNAUTHORIZED');
    }
  });

  it('turns writes off without a token, naming the variable', () => {
    const off = createBearerCheck(undefined);
    expect(outcome(off, 'Bearer anything')).toBe('403 DASHPORT_ERR_WRITES_DISABLED');
    expect(() => off(undefined)).toThrow(/DASHPORT_API_TOKEN/);
  });
});
