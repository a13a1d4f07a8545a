import { describe, expect, it } from 'vitest';
import type { CellValue } from '../shared/api-types.js';
import { classProfiles, compareLabels } from './profiles.js';

describe('compareLabels', () => {
  it('orders null, booleans, numbers, then strings by code unit', () => {
    const labels: CellValue[] = ['b', 10, 'B', true, null, 2, false, 'a', Number.NaN, -1];
    expect([...labels].sort(compareLabels)).toEqual([
      null,
      false,
      true,
      -1,
      2,
      10,
      Number.NaN,
      'B',
      'a',
      'b',
    ]);
  });
});

describe('classProfiles', () => {
  const labels: CellValue[] = ['N', 'V', 'N', 'S', 'V', 'N'];
  const rows = [
    [1, 10],
    [100, null],
    [3, null],
    [7, 7],
    [300, 30],
    [5, 20],
  ];

  it('counts each class and averages each column over its non-null values', () => {
    const profiles = classProfiles(labels, rows, 0);
    expect(profiles).toEqual([
      { label: 'N', count: 3, mean: [3, 15], samples: [] },
      { label: 'S', count: 1, mean: [7, 7], samples: [] },
      { label: 'V', count: 2, mean: [200, 30], samples: [] },
    ]);
  });

  it('gives a null mean for a column with no value in the class', () => {
    const profiles = classProfiles(
      [1, 1],
      [
        [1, null],
        [2, Number.NaN],
      ],
      5,
    );
    expect(profiles[0]?.mean).toEqual([1.5, null]);
    expect(profiles[0]?.samples).toEqual([
      [1, null],
      [2, null],
    ]);
  });

  it('keeps every row of a class no larger than the sample size, in order', () => {
    const profiles = classProfiles(labels, rows, 3);
    expect(profiles[0]?.samples).toEqual([
      [1, 10],
      [3, null],
      [5, 20],
    ]);
  });

  it('samples deterministically, without repeats, in row order, per seed', () => {
    const many = Array.from({ length: 200 }, (_, i) => [i]);
    const classOf: CellValue[] = many.map((_, i) => (i % 2 === 0 ? 'even' : 'odd'));
    const first = classProfiles(classOf, many, 10, 7);
    const again = classProfiles(classOf, many, 10, 7);
    const other = classProfiles(classOf, many, 10, 8);
    expect(again).toEqual(first);
    expect(other[0]?.samples).not.toEqual(first[0]?.samples);
    for (const profile of first) {
      const picked = profile.samples.map((row) => row[0] as number);
      expect(picked).toHaveLength(10);
      expect(new Set(picked).size).toBe(10);
      expect([...picked].sort((a, b) => a - b)).toEqual(picked);
      const parity = profile.label === 'even' ? 0 : 1;
      for (const value of picked) expect(value % 2).toBe(parity);
    }
  });

  it('does not let one class change the samples of another', () => {
    const values = Array.from({ length: 60 }, (_, i) => [i]);
    const base: CellValue[] = values.map((_, i) => (i < 30 ? 'a' : 'b'));
    const extra = [...values, [999], [998]];
    const withExtra: CellValue[] = [...base, 'b', 'b'];
    const a = classProfiles(base, values, 5);
    const b = classProfiles(withExtra, extra, 5);
    expect(b[0]?.samples).toEqual(a[0]?.samples);
  });

  it('keeps 1 and "1" apart and puts the null class first', () => {
    const profiles = classProfiles(['1', 1, null, 1], [[1], [2], [3], [4]], 1);
    expect(profiles.map((profile) => profile.label)).toEqual([null, 1, '1']);
    expect(profiles.map((profile) => profile.count)).toEqual([1, 2, 1]);
  });

  it('handles no rows and rejects inconsistent input', () => {
    expect(classProfiles([], [], 50)).toEqual([]);
    expect(() => classProfiles(['a'], [], 1)).toThrow(RangeError);
    expect(() => classProfiles(['a', 'b'], [[1], [1, 2]], 1)).toThrow(RangeError);
    expect(() => classProfiles(['a'], [[1]], -1)).toThrow(RangeError);
    expect(() => classProfiles(['a'], [[1]], 1.5)).toThrow(RangeError);
  });
});
