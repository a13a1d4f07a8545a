import { describe, expect, it } from 'vitest';
import { TREND_NOTES } from '../../../bench/generate/trend-notes.js';
import {
  generateTrendRows,
  TREND_SOURCES,
  TREND_TOOLS,
  type TrendRow,
} from '../../../bench/generate/trends.js';

const rows = generateTrendRows(1990);

function series(tool: string, source: string): TrendRow[] {
  return rows.filter((row) => row.tool === tool && row.source === source);
}

describe('generateTrendRows', () => {
  it('is deterministic for a seed', () => {
    expect(generateTrendRows(1990)).toEqual(rows);
    expect(generateTrendRows(1991)).not.toEqual(rows);
  });

  it('covers every tool and source, monthly, over each source span', () => {
    for (const tool of TREND_TOOLS) {
      const trends = series(tool, 'google_trends');
      expect(trends[0]?.date).toBe('2004-01-01');
      expect(trends.at(-1)?.date).toBe('2024-12-01');
      expect(trends).toHaveLength(21 * 12);
      expect(series(tool, 'crossref')[0]?.date).toBe('1990-01-01');
      expect(series(tool, 'google_books').at(-1)?.date).toBe('2019-12-01');
      expect(series(tool, 'bain_usability')[0]?.date).toBe('1993-01-01');
      expect(series(tool, 'bain_satisfaction').at(-1)?.date).toBe('2022-01-01');
    }
    expect(new Set(rows.map((row) => row.source))).toEqual(new Set(TREND_SOURCES));
    expect(rows.every((row) => /^\d{4}-(0[1-9]|1[0-2])-01$/.test(row.date))).toBe(true);
  });

  it('scales the indexes to a peak of 100 and keeps survey values on their scales', () => {
    for (const tool of TREND_TOOLS) {
      for (const source of ['google_trends', 'crossref', 'google_books']) {
        const values = series(tool, source).map((row) => row.value);
        expect(Math.max(...values)).toBe(100);
        expect(Math.min(...values)).toBeGreaterThan(0);
      }
      const usage = series(tool, 'bain_usability').map((row) => row.value);
      expect(Math.min(...usage)).toBeGreaterThan(0);
      expect(Math.max(...usage)).toBeLessThan(100);
      const satisfaction = series(tool, 'bain_satisfaction').map((row) => row.value);
      expect(Math.min(...satisfaction)).toBeGreaterThan(3);
      expect(Math.max(...satisfaction)).toBeLessThan(4.5);
    }
  });

  it('rises, peaks and declines: reengineering peaks in the 1990s and falls hard', () => {
    const books = series('Business Process Reengineering', 'google_books');
    const peak = books.reduce((best, row) => (row.value > best.value ? row : best));
    expect(peak.date >= '1993' && peak.date < '1998').toBe(true);
    expect(books.at(-1)?.value ?? 100).toBeLessThan(30);
    expect(books[0]?.value ?? 100).toBeLessThan(50);
  });

  it('orders rows by date, then tool, then source', () => {
    for (let i = 1; i < rows.length; i++) {
      expect((rows[i - 1]?.date ?? '') <= (rows[i]?.date ?? '')).toBe(true);
    }
  });
});

describe('TREND_NOTES', () => {
  it('dates each note within the trends range, in order, on a known tool', () => {
    expect(TREND_NOTES.length).toBeGreaterThanOrEqual(12);
    const tools: readonly string[] = TREND_TOOLS;
    let previous = '';
    for (const note of TREND_NOTES) {
      expect(tools).toContain(note.tool);
      expect(note.date >= '1990-01-01' && note.date <= '2024-12-01').toBe(true);
      expect(note.date >= previous).toBe(true);
      previous = note.date;
    }
  });
});
