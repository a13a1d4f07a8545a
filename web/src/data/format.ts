/** Number, date and size formatting shared by charts, tables and cards. */
import type { CellValue } from '../../../src/shared/api-types.js';

const numberFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const preciseFormat = new Intl.NumberFormat('en', { maximumSignificantDigits: 4 });
const compactFormat = new Intl.NumberFormat('en', {
  notation: 'compact',
  maximumFractionDigits: 1,
});
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

/** A number for a table cell or a tooltip: at most 2 decimals, small ones with 4 significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) < 1 && value !== 0
    ? preciseFormat.format(value)
    : numberFormat.format(value);
}

/** A number for an axis label or a big number: 1.2K, 3.4M. */
export function formatCompact(value: number): string {
  return Math.abs(value) < 10_000 ? formatNumber(value) : compactFormat.format(value);
}

/** True when `value` is an ISO date or timestamp as the API sends them. */
export function isTimeText(value: CellValue): value is string {
  return typeof value === 'string' && (ISO_DATE.test(value) || ISO_TIME.test(value));
}

/** A date or timestamp shown at the precision of its bucket (UTC, as the data). */
export function formatTime(value: string, bucket?: string): string {
  if (ISO_DATE.test(value)) {
    if (bucket === 'year') return value.slice(0, 4);
    if (bucket === 'month' || bucket === 'quarter') return value.slice(0, 7);
    return value;
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const iso = date.toISOString();
  switch (bucket) {
    case 'year':
      return iso.slice(0, 4);
    case 'quarter':
    case 'month':
      return iso.slice(0, 7);
    case 'week':
    case 'day':
      return iso.slice(0, 10);
    default:
      return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  }
}

/** Any cell as text for a table. */
export function formatCell(value: CellValue | undefined, bucket?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return isTimeText(value) ? formatTime(value, bucket) : value;
}

/** "3 days ago" from an ISO timestamp and the current time. */
export function formatAge(iso: string | null, now: number): string {
  if (iso === null) return 'never';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'unknown';
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  const units: [number, string][] = [
    [365 * 86_400, 'year'],
    [30 * 86_400, 'month'],
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    if (seconds >= size) {
      const count = Math.floor(seconds / size);
      return `${count} ${unit}${count === 1 ? '' : 's'} ago`;
    }
  }
  return 'just now';
}
