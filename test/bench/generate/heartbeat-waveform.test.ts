import { describe, expect, it } from 'vitest';
import {
  formatRounded,
  formatScientific18,
  heartbeatHeader,
  heartbeatLine,
} from '../../../bench/generate/heartbeat-csv.js';
import {
  drawHeartbeatLabel,
  HEARTBEAT_SAMPLES,
  heartbeatWaveform,
  type HeartbeatLabel,
} from '../../../bench/generate/heartbeat-waveform.js';
import { createRandom } from '../../../bench/generate/random.js';

function beats(label: HeartbeatLabel, count: number, seed = 1): Float64Array[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => heartbeatWaveform(label, random));
}

/** Samples up to the last non-zero one: the beat's length before the zero padding. */
function beatLength(values: Float64Array): number {
  let last = values.length - 1;
  while (last > 0 && values[last] === 0) last--;
  return last + 1;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('heartbeatWaveform', () => {
  it('is deterministic for a seed', () => {
    expect(beats(0, 5, 9)).toEqual(beats(0, 5, 9));
    expect(beats(0, 5, 9)).not.toEqual(beats(0, 5, 10));
  });

  it('gives 187 samples in 0..1 that start at the R peak and end in zero padding', () => {
    for (const label of [0, 1, 2, 3, 4] as const) {
      for (const beat of beats(label, 50)) {
        expect(beat).toHaveLength(HEARTBEAT_SAMPLES);
        expect(Math.min(...beat)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...beat)).toBeLessThanOrEqual(1);
        expect(beat[0]).toBeGreaterThan(0.7);
        expect(beatLength(beat)).toBeLessThan(HEARTBEAT_SAMPLES);
      }
    }
  });

  it('gives each class its own shape', () => {
    const length = (label: HeartbeatLabel): number => mean(beats(label, 200).map(beatLength));
    // Premature supraventricular beats are short; ventricular ones have a compensatory pause.
    expect(length(1)).toBeLessThan(length(0) - 20);
    expect(length(2)).toBeGreaterThan(length(0) + 20);
    // A ventricular QRS is wide: still high 3 samples after the peak, where a normal one has fallen.
    const at3 = (label: HeartbeatLabel): number =>
      mean(beats(label, 200).map((beat) => beat[3] ?? 0));
    expect(at3(2)).toBeGreaterThan(at3(0) + 0.2);
  });

  it('draws labels as imbalanced as the real set, normal beats first', () => {
    const random = createRandom(4);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 20_000; i++) {
      const label = drawHeartbeatLabel(random);
      counts[label] = (counts[label] ?? 0) + 1;
    }
    expect((counts[0] ?? 0) / 20_000).toBeGreaterThan(0.8);
    expect(counts.every((count) => count > 0)).toBe(true);
    expect(counts[3]).toBe(Math.min(...counts));
  });
});

describe('heartbeat CSV text', () => {
  it('prints values exactly like C printf("%.18e")', () => {
    expect(formatScientific18(0)).toBe('0.000000000000000000e+00');
    expect(formatScientific18(1)).toBe('1.000000000000000000e+00');
    expect(formatScientific18(0.9779411554336548)).toBe('9.779411554336547852e-01');
    expect(formatScientific18(0.1)).toBe('1.000000000000000056e-01');
    expect(formatScientific18(2.5e-7)).toBe('2.499999999999999887e-07');
    expect(formatScientific18(1e-100)).toBe('1.000000000000000020e-100');
    expect(formatScientific18(123456.789)).toBe('1.234567890000000043e+05');
  });

  it('rounds compact values and keeps a decimal point', () => {
    expect(formatRounded(0.123456, 4)).toBe('0.1235');
    expect(formatRounded(0.5, 4)).toBe('0.5');
    expect(formatRounded(0, 4)).toBe('0.0');
    expect(formatRounded(1, 4)).toBe('1.0');
  });

  it('writes 188 cells a line; at full precision 4,700 bytes like mitbih_train.csv', () => {
    const [beat] = beats(2, 1);
    if (!beat) throw new Error('no beat');
    const full = heartbeatLine(beat, 2, 'full');
    expect(full).toHaveLength(4_700);
    expect(full.endsWith(',2.000000000000000000e+00\n')).toBe(true);
    const compact = heartbeatLine(beat, 2, 4);
    expect(compact.trimEnd().split(',')).toHaveLength(188);
    expect(compact.endsWith(',2\n')).toBe(true);
    const header = heartbeatHeader().trimEnd().split(',');
    expect(header).toHaveLength(188);
    expect([header[0], header[186], header[187]]).toEqual(['c000', 'c186', 'label']);
  });
});
