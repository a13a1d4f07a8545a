import { describe, expect, it } from 'vitest';
import { assessMemory } from './memory-status.js';

const thresholds = { warnPercent: 75, criticalPercent: 85 };

describe('assessMemory', () => {
  it('classifies usage against the thresholds', () => {
    expect(assessMemory(50, 100, thresholds)).toEqual({
      rssBytes: 50,
      limitBytes: 100,
      percent: 50,
      level: 'ok',
    });
    expect(assessMemory(75, 100, thresholds).level).toBe('warning');
    expect(assessMemory(84.99, 100, thresholds).level).toBe('warning');
    expect(assessMemory(85, 100, thresholds).level).toBe('critical');
  });

  it('rounds the percentage to two decimals', () => {
    expect(assessMemory(1, 3, thresholds).percent).toBe(33.33);
  });

  it('reports 0% for an unknown limit instead of dividing by zero', () => {
    expect(assessMemory(10, 0, thresholds)).toMatchObject({ percent: 0, level: 'ok' });
  });
});
