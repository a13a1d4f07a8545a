/**
 * Heartbeat-like waveforms shaped after the MIT-BIH arrhythmia beats of the Kaggle "ECG
 * Heartbeat Categorization" set (Kachuee et al. 2018): one beat per row, resampled to 125 Hz,
 * starting at its R peak, 1.2 RR intervals long (so the next R peak shows), normalised to 0..1
 * and zero-padded to 187 samples. Each class has its own shape so per-class profiles and the
 * PCA embedding separate them the way they do on the real data.
 */
import type { Random } from './random.js';

/** Samples per beat, as in the real set. */
export const HEARTBEAT_SAMPLES = 187;

/** Class names by label, in the AAMI grouping the real set uses. */
export const HEARTBEAT_CLASSES = [
  'normal',
  'supraventricular',
  'ventricular',
  'fusion',
  'unknown',
] as const;

export type HeartbeatLabel = 0 | 1 | 2 | 3 | 4;

/** Class frequencies of mitbih_train.csv (72471, 2223, 5788, 641, 6431 beats): heavily imbalanced. */
export const HEARTBEAT_CLASS_WEIGHTS: readonly number[] = [72_471, 2_223, 5_788, 641, 6_431];

interface Wave {
  /** Centre in samples. */
  readonly at: number;
  readonly width: number;
  readonly height: number;
}

interface BeatShape {
  /** Samples from this R peak to the next one. */
  readonly rr: number;
  readonly waves: readonly Wave[];
}

/** Draw a label with the real set's class frequencies. */
export function drawHeartbeatLabel(random: Random): HeartbeatLabel {
  return random.weighted(HEARTBEAT_CLASS_WEIGHTS) as HeartbeatLabel;
}

/** A normal QRS complex (R then S) starting at `at`. */
function narrowQrs(at: number, random: Random): Wave[] {
  return [
    { at: at - 3, width: 1.2, height: -0.05 },
    { at, width: random.uniform(1.4, 1.8), height: 0.8 },
    { at: at + 4, width: 1.5, height: random.uniform(-0.3, -0.2) },
  ];
}

function beatShape(label: HeartbeatLabel, random: Random): BeatShape {
  switch (label) {
    case 0: {
      const rr = random.uniform(82, 112);
      return {
        rr,
        waves: [
          ...narrowQrs(0, random),
          { at: 0.33 * rr, width: 0.07 * rr, height: random.uniform(0.13, 0.24) },
          { at: rr - 14, width: 3.5, height: random.uniform(0.04, 0.08) },
          ...narrowQrs(rr, random),
        ],
      };
    }
    case 1: {
      // Premature: a short RR interval and an abnormal (here inverted) P wave.
      const rr = random.uniform(55, 80);
      return {
        rr,
        waves: [
          ...narrowQrs(0, random),
          { at: 0.36 * rr, width: 0.08 * rr, height: random.uniform(0.18, 0.3) },
          { at: rr - 10, width: 3, height: random.uniform(-0.06, -0.02) },
          ...narrowQrs(rr, random),
        ],
      };
    }
    case 2: {
      // Wide, bizarre QRS, discordant (inverted) T wave, then a compensatory pause.
      const rr = random.uniform(112, 150);
      return {
        rr,
        waves: [
          { at: 0, width: random.uniform(4, 6), height: 0.75 },
          { at: 11, width: random.uniform(4.5, 6.5), height: random.uniform(-0.5, -0.35) },
          { at: 0.38 * rr, width: 0.1 * rr, height: random.uniform(-0.22, -0.12) },
          { at: rr - 14, width: 3.5, height: 0.05 },
          ...narrowQrs(rr, random),
        ],
      };
    }
    case 3: {
      // Fusion of a normal and a ventricular beat: in between in width, a flattened T wave.
      const rr = random.uniform(85, 110);
      return {
        rr,
        waves: [
          { at: 0, width: random.uniform(2.6, 3.6), height: 0.78 },
          { at: 7, width: 3, height: random.uniform(-0.4, -0.3) },
          { at: 0.35 * rr, width: 0.08 * rr, height: random.uniform(0.02, 0.08) },
          { at: rr - 14, width: 3.5, height: 0.05 },
          ...narrowQrs(rr, random),
        ],
      };
    }
    case 4: {
      // Paced: a sharp pacing spike, a broad complex and a metronome-regular RR interval.
      const rr = random.uniform(94, 100);
      const pacedComplex = (at: number): Wave[] => [
        { at, width: 0.6, height: 0.55 },
        { at: at + 4, width: 4, height: 0.45 },
        { at: at + 12, width: 6, height: -0.3 },
      ];
      return {
        rr,
        waves: [
          ...pacedComplex(0),
          { at: 0.4 * rr, width: 0.1 * rr, height: random.uniform(0.1, 0.2) },
          ...pacedComplex(rr),
        ],
      };
    }
  }
}

/**
 * One beat of class `label`: HEARTBEAT_SAMPLES values in 0..1, zeros after the beat's end.
 * Pure given the random stream: the same seed gives the same beats.
 */
export function heartbeatWaveform(label: HeartbeatLabel, random: Random): Float64Array {
  const { rr, waves } = beatShape(label, random);
  const length = Math.min(HEARTBEAT_SAMPLES, Math.round(1.2 * rr));
  const wanderPeriod = random.uniform(150, 320);
  const wanderPhase = random.uniform(0, 2 * Math.PI);
  const wanderHeight = random.uniform(0.005, 0.03);
  const noise = random.uniform(0.004, 0.015);
  const values = new Float64Array(HEARTBEAT_SAMPLES);
  let min = Infinity;
  let max = -Infinity;
  for (let t = 0; t < length; t++) {
    let value = wanderHeight * Math.sin((2 * Math.PI * t) / wanderPeriod + wanderPhase);
    for (const wave of waves) {
      const z = (t - wave.at) / wave.width;
      if (z > -6 && z < 6) value += wave.height * Math.exp(-0.5 * z * z);
    }
    value += random.normal(0, noise);
    values[t] = value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  // The real set normalises each 10 s window, so a beat's peak is near, not exactly, 1.
  const scale = random.uniform(0.85, 1) / (max - min);
  for (let t = 0; t < length; t++) {
    values[t] = Math.min(1, Math.max(0, ((values[t] ?? 0) - min) * scale));
  }
  return values;
}
