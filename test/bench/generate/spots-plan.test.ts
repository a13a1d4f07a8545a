import { describe, expect, it } from 'vitest';
import {
  BAND_EDGES_KHZ,
  BAND_SEGMENTS,
  bandWeights,
  SPOT_BANDS,
} from '../../../bench/generate/spots-bands.js';
import { allocateCounts, diurnal, planSpots } from '../../../bench/generate/spots-plan.js';

const NOVEMBER = { seed: 42, start: '2024-11-01T00:00:00Z', days: 30 };

function bandShare(utcHour: number, band: (typeof SPOT_BANDS)[number]): number {
  const weights = bandWeights({ daylight: diurnal(utcHour).daylight, solar: 1, sporadicE: 1 });
  const total = weights.reduce((a, b) => a + b, 0);
  return (weights[SPOT_BANDS.indexOf(band)] ?? 0) / total;
}

describe('allocateCounts', () => {
  it('splits a total into integers that sum to it, in proportion to the weights', () => {
    expect(allocateCounts(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(allocateCounts(7, [0, 2, 5])).toEqual([0, 2, 5]);
    const counts = allocateCounts(1_000_003, [3, 1.5, 0.25, 7]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1_000_003);
    expect(Math.abs((counts[3] ?? 0) - (1_000_003 * 7) / 11.75)).toBeLessThan(1);
  });
});

describe('planSpots', () => {
  it('is deterministic and places exactly the requested rows', () => {
    const plan = planSpots(123_457, NOVEMBER);
    expect(plan).toEqual(planSpots(123_457, NOVEMBER));
    expect(plan).not.toEqual(planSpots(123_457, { ...NOVEMBER, seed: 43 }));
    expect(plan.hours).toHaveLength(30 * 24);
    expect(plan.hours.reduce((sum, hour) => sum + hour.spots, 0)).toBe(123_457);
    expect(plan.startMs).toBe(Date.UTC(2024, 10, 1));
  });

  it('makes the last full weekend (23–24 November 2024) a busy contest weekend', () => {
    const plan = planSpots(100_000, NOVEMBER);
    const contestDays = new Set(
      plan.hours.filter((hour) => hour.contest).map((hour) => Math.floor(hour.index / 24) + 1),
    );
    expect([...contestDays]).toEqual([23, 24]);
    const perDay = (day: number): number =>
      plan.hours
        .filter((hour) => Math.floor(hour.index / 24) + 1 === day)
        .reduce((s, h) => s + h.spots, 0);
    expect(perDay(23)).toBeGreaterThan(2 * perDay(20));
    expect(
      planSpots(100_000, { ...NOVEMBER, contestWeekend: false }).hours.some((h) => h.contest),
    ).toBe(false);
  });

  it('gives every hour cumulative band thresholds ending at 1', () => {
    for (const hour of planSpots(10_000, NOVEMBER).hours) {
      expect(hour.bandThresholds).toHaveLength(SPOT_BANDS.length);
      expect(hour.bandThresholds.at(-1)).toBe(1);
      for (let i = 1; i < hour.bandThresholds.length; i++) {
        expect(hour.bandThresholds[i]).toBeGreaterThanOrEqual(hour.bandThresholds[i - 1] ?? 0);
      }
    }
  });

  it('rejects a start that is not a date', () => {
    expect(() => planSpots(10, { ...NOVEMBER, start: 'yesterday' })).toThrow(/start/);
  });
});

describe('band model', () => {
  it('puts 20 m on top by day and 40/80/160 m by night', () => {
    expect(bandShare(14, '20m')).toBeGreaterThan(2 * bandShare(2, '20m'));
    expect(bandShare(2, '40m')).toBeGreaterThan(2 * bandShare(14, '40m'));
    expect(bandShare(2, '80m')).toBeGreaterThan(5 * bandShare(14, '80m'));
    expect(bandShare(2, '160m')).toBeGreaterThan(5 * bandShare(14, '160m'));
    expect(diurnal(4).activity).toBeLessThan(diurnal(15).activity);
  });

  it('keeps every mode segment inside its band, with mode shares summing to 1 per band', () => {
    for (const band of SPOT_BANDS) {
      const segments = BAND_SEGMENTS.filter((segment) => segment.band === band);
      expect(segments.some((segment) => segment.mode === 'CW')).toBe(true);
      expect(segments.reduce((sum, segment) => sum + segment.weight, 0)).toBeCloseTo(1, 9);
      const [low, high] = BAND_EDGES_KHZ[band];
      for (const segment of segments) {
        expect(segment.lowKhz).toBeGreaterThanOrEqual(low);
        expect(segment.highKhz).toBeLessThanOrEqual(high);
        expect(segment.lowKhz).toBeLessThan(segment.highKhz);
      }
    }
  });
});
