/**
 * A monthly management-tools trends table (tool × source × month), shaped like the "management
 * fads" research that tracks tools across Google Trends, Crossref, Google Books and Bain &
 * Company's Management Tools & Trends survey: each tool rises, peaks and declines to a floor;
 * academic publishing lags practice, books lead it, search interest dips every December, and
 * the Bain survey is a few points a decade, interpolated between survey years. Pure and seeded.
 */
import { createRandom, type Random } from './random.js';

export const TREND_TOOLS = [
  'Benchmarking',
  'Balanced Scorecard',
  'Customer Relationship Management',
  'Total Quality Management',
  'Business Process Reengineering',
  'Knowledge Management',
  'Outsourcing',
  'Strategic Planning',
] as const;

export const TREND_SOURCES = [
  'google_trends',
  'crossref',
  'google_books',
  'bain_usability',
  'bain_satisfaction',
] as const;

export type TrendTool = (typeof TREND_TOOLS)[number];
export type TrendSource = (typeof TREND_SOURCES)[number];

export interface TrendRow {
  /** First day of the month, `YYYY-MM-01`. */
  readonly date: string;
  readonly tool: TrendTool;
  readonly source: TrendSource;
  readonly value: number;
}

interface ToolCurve {
  /** Year of peak practitioner popularity. */
  readonly peak: number;
  /** Years (one standard deviation) of the rise and the decline. */
  readonly rise: number;
  readonly fall: number;
  /** Share of peak popularity the tool keeps for good. */
  readonly floor: number;
  /** Share of companies using it at the peak (Bain usability). */
  readonly usage: number;
}

const CURVES: Readonly<Record<TrendTool, ToolCurve>> = {
  Benchmarking: { peak: 1996.5, rise: 4, fall: 14, floor: 0.35, usage: 0.8 },
  'Balanced Scorecard': { peak: 2003, rise: 5, fall: 11, floor: 0.3, usage: 0.62 },
  'Customer Relationship Management': { peak: 2003.5, rise: 4, fall: 16, floor: 0.5, usage: 0.82 },
  'Total Quality Management': { peak: 1992.5, rise: 3, fall: 7, floor: 0.12, usage: 0.72 },
  'Business Process Reengineering': { peak: 1995, rise: 2, fall: 5, floor: 0.1, usage: 0.7 },
  'Knowledge Management': { peak: 2001, rise: 3.5, fall: 9, floor: 0.25, usage: 0.62 },
  Outsourcing: { peak: 2005, rise: 6, fall: 12, floor: 0.4, usage: 0.78 },
  'Strategic Planning': { peak: 2001, rise: 12, fall: 30, floor: 0.65, usage: 0.88 },
};

/** Years in which Bain published its survey; values in between are interpolated. */
const BAIN_SURVEY_YEARS = [
  1993, 1994, 1996, 1998, 1999, 2000, 2002, 2004, 2006, 2008, 2010, 2012, 2014, 2017, 2022,
];

interface Span {
  readonly from: number;
  readonly to: number;
}

/** Month ranges (inclusive, as fractional years of the month start) each source covers. */
const SPANS: Readonly<Record<TrendSource, Span>> = {
  google_trends: { from: 2004, to: 2024 },
  crossref: { from: 1990, to: 2024 },
  google_books: { from: 1990, to: 2019 },
  bain_usability: { from: 1993, to: 2022 },
  bain_satisfaction: { from: 1993, to: 2022 },
};

/** 0..1 popularity at fractional year `t`, shifted by `lag` years and with a slower fall. */
function popularity(curve: ToolCurve, t: number, lag = 0, fallFactor = 1): number {
  const x = t - curve.peak - lag;
  const z = x < 0 ? x / curve.rise : x / (curve.fall * fallFactor);
  const bell = Math.exp(-0.5 * z * z);
  return x < 0 ? 0.04 + 0.96 * bell : curve.floor + (1 - curve.floor) * bell;
}

function months(span: Span, lastMonth = 12): number[] {
  const years: number[] = [];
  for (let year = span.from; year <= span.to; year++) {
    for (let month = 0; month < (year === span.to ? lastMonth : 12); month++) {
      years.push(year + month / 12);
    }
  }
  return years;
}

function isoMonth(t: number): string {
  const year = Math.floor(t + 1e-9);
  const month = Math.round((t - year) * 12) + 1;
  return `${year}-${String(month).padStart(2, '0')}-01`;
}

/** AR(1) multiplicative noise: month-to-month wiggles that persist a little, like real series. */
function noiseSeries(random: Random, length: number, sd: number): number[] {
  const out: number[] = [];
  let level = 0;
  for (let i = 0; i < length; i++) {
    level = 0.6 * level + random.normal(0, sd);
    out.push(Math.exp(level));
  }
  return out;
}

/** Scale so the series' maximum is 100, as Google Trends does and the indexes here do. */
function toIndex(values: readonly number[]): number[] {
  const max = Math.max(...values);
  return values.map((value) => (100 * value) / max);
}

/** Search interest dips in the December holidays and over the summer. */
function searchSeasonality(t: number): number {
  const month = Math.round((t - Math.floor(t + 1e-9)) * 12);
  if (month === 11) return 0.78;
  if (month === 6 || month === 7) return 0.92;
  return 1;
}

function interpolate(points: readonly (readonly [number, number])[], t: number): number {
  for (let i = 1; i < points.length; i++) {
    const [t1, v1] = points[i] ?? [0, 0];
    const [t0, v0] = points[i - 1] ?? [0, 0];
    if (t <= t1) return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
  }
  return points[points.length - 1]?.[1] ?? 0;
}

function sourceValues(
  tool: TrendTool,
  source: TrendSource,
  ts: readonly number[],
  random: Random,
): number[] {
  const curve = CURVES[tool];
  switch (source) {
    case 'google_trends': {
      const noise = noiseSeries(random, ts.length, 0.07);
      return toIndex(
        ts.map((t, i) => popularity(curve, t) * searchSeasonality(t) * (noise[i] ?? 1)),
      );
    }
    case 'crossref': {
      // Publishing grows every year; research follows practice by a few years and lets go slowly.
      const noise = noiseSeries(random, ts.length, 0.12);
      return toIndex(
        ts.map((t, i) => popularity(curve, t, 2.5, 1.5) * 1.03 ** (t - 1990) * (noise[i] ?? 1)),
      );
    }
    case 'google_books': {
      const noise = noiseSeries(random, ts.length, 0.03);
      return toIndex(ts.map((t, i) => popularity(curve, t, -0.5) * (noise[i] ?? 1)));
    }
    case 'bain_usability':
    case 'bain_satisfaction': {
      const surveys = BAIN_SURVEY_YEARS.map((year): [number, number] => {
        const p = popularity(curve, year, 1);
        const value =
          source === 'bain_usability'
            ? 100 * curve.usage * (0.08 + 0.92 * p) + random.normal(0, 2)
            : 3.45 + 0.55 * Math.sqrt(p) + random.normal(0, 0.05);
        return [year, value];
      });
      return ts.map((t) => interpolate(surveys, t));
    }
  }
}

/** Every row of the table, ordered by date, tool and source; the same seed, the same rows. */
export function generateTrendRows(seed: number): TrendRow[] {
  const random = createRandom(seed);
  const rows: TrendRow[] = [];
  for (const tool of TREND_TOOLS) {
    for (const source of TREND_SOURCES) {
      const span = SPANS[source];
      // The Bain series end with the last survey (January 2022).
      const ts = months(span, source.startsWith('bain_') ? 1 : 12);
      const values = sourceValues(tool, source, ts, random);
      ts.forEach((t, i) => {
        rows.push({
          date: isoMonth(t),
          tool,
          source,
          value: Math.round((values[i] ?? 0) * 100) / 100,
        });
      });
    }
  }
  const toolOrder = (tool: TrendTool): number => TREND_TOOLS.indexOf(tool);
  const sourceOrder = (source: TrendSource): number => TREND_SOURCES.indexOf(source);
  return rows.sort(
    (a, b) =>
      a.date.localeCompare(b.date) ||
      toolOrder(a.tool) - toolOrder(b.tool) ||
      sourceOrder(a.source) - sourceOrder(b.source),
  );
}
