import { describe, expect, it } from 'vitest';
import { createSpotGenerator } from './demo-spots.js';

describe('createSpotGenerator', () => {
  it('makes spots with the columns of the spots example, inside their band, timed before `at`', () => {
    const at = new Date('2024-11-23T12:00:00Z');
    const spots = createSpotGenerator(1).next(at, 200);
    expect(Object.keys(spots[0] ?? {})).toEqual([
      'ts',
      'frequency',
      'band',
      'mode',
      'spotter',
      'callsign',
      'country',
    ]);
    const ranges: Record<string, [number, number]> = {
      '160m': [1810, 2000],
      '80m': [3500, 4000],
      '40m': [7000, 7300],
      '30m': [10100, 10150],
      '20m': [14000, 14350],
      '17m': [18068, 18168],
      '15m': [21000, 21450],
      '10m': [28000, 29700],
    };
    for (const spot of spots) {
      const [low, high] = ranges[spot.band] ?? [0, 0];
      expect(spot.frequency).toBeGreaterThanOrEqual(low);
      expect(spot.frequency).toBeLessThanOrEqual(high);
      expect(Date.parse(spot.ts)).toBeLessThanOrEqual(at.getTime());
      expect(Date.parse(spot.ts)).toBeGreaterThan(at.getTime() - 1000);
      expect(spot.callsign).toMatch(/^[A-Z]{1,2}\d[A-Z]{1,3}$/);
    }
    const dayBands = spots.filter((s) =>
      ['30m', '20m', '17m', '15m', '10m'].includes(s.band),
    ).length;
    expect(dayBands / spots.length).toBeGreaterThan(0.6);
  });

  it('is reproducible for a seed', () => {
    const at = new Date('2024-11-23T02:00:00Z');
    expect(createSpotGenerator(5).next(at, 3)).toEqual(createSpotGenerator(5).next(at, 3));
  });
});
