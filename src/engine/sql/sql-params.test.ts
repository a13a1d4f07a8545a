import { describe, expect, it } from 'vitest';
import { createSqlParams } from './sql-params.js';

describe('createSqlParams', () => {
  it('numbers placeholders in the order values are added', () => {
    const params = createSqlParams();
    expect(params.values).toEqual([]);
    expect(params.add('a')).toBe('$1');
    expect(params.add(null)).toBe('$2');
    expect(params.add(2n)).toBe('$3');
    expect(params.values).toEqual(['a', null, 2n]);
  });

  it('keeps lists apart', () => {
    const first = createSqlParams();
    const second = createSqlParams();
    first.add(1);
    expect(second.add(2)).toBe('$1');
    expect(first.values).toEqual([1]);
  });
});
