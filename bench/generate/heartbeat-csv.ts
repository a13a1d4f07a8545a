/**
 * CSV text of heartbeat rows, in two precisions: compact (fixed decimals, for the bundled
 * example) and full (C's `%.18e`, exactly how the real Kaggle mitbih_train.csv is printed, so
 * a generated file has the real one's size and parsing cost: 4,700 bytes a row).
 */
import { HEARTBEAT_SAMPLES, type HeartbeatLabel } from './heartbeat-waveform.js';

/** `decimals: 'full'` prints every value, label included, as `%.18e`; a number rounds to that many decimals. */
export type HeartbeatPrecision = 'full' | number;

/** The header row: `c000`..`c186,label`. */
export function heartbeatHeader(): string {
  const names: string[] = [];
  for (let i = 0; i < HEARTBEAT_SAMPLES; i++) names.push(`c${String(i).padStart(3, '0')}`);
  names.push('label');
  return `${names.join(',')}\n`;
}

/** `value` as C's printf("%.18e"): JavaScript writes `e-1` where C writes `e-01`. */
export function formatScientific18(value: number): string {
  const text = value.toExponential(18);
  const e = text.indexOf('e');
  const exponent = text.slice(e + 2);
  return `${text.slice(0, e + 2)}${exponent.length < 2 ? `0${exponent}` : exponent}`;
}

/**
 * `value` rounded to `decimals` without trailing zeros but always with a decimal point
 * (`0.5`, `0.0`, `0.1234`), so a column of padding zeros is still read as floating point.
 */
export function formatRounded(value: number, decimals: number): string {
  const text = String(Number(value.toFixed(decimals)));
  return text.includes('.') || text.includes('e') ? text : `${text}.0`;
}

/** One CSV line (with its newline) for a beat and its label. */
export function heartbeatLine(
  values: Float64Array,
  label: HeartbeatLabel,
  precision: HeartbeatPrecision,
): string {
  const cells: string[] = new Array<string>(values.length + 1);
  if (precision === 'full') {
    for (let i = 0; i < values.length; i++) cells[i] = formatScientific18(values[i] ?? 0);
    cells[values.length] = formatScientific18(label);
  } else {
    for (let i = 0; i < values.length; i++) cells[i] = formatRounded(values[i] ?? 0, precision);
    cells[values.length] = String(label);
  }
  return `${cells.join(',')}\n`;
}
