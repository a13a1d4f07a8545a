import { describe, expect, it } from 'vitest';
import { EVENT_MAX_ROWS, eventId, jsonRows, rowsEventData } from './rows-event.js';

describe('rowsEventData', () => {
  it('carries a small batch whole, without truncated', () => {
    const data = rowsEventData(
      'spots',
      'v1',
      ['call', 'freq'],
      ['string', 'float'],
      [
        ['K1ABC', 14_074.5],
        ['DL2XY', 7_074],
      ],
    );
    expect(data).toEqual({
      dataset: 'spots',
      version: 'v1',
      columns: ['call', 'freq'],
      rows: [
        ['K1ABC', 14_074.5],
        ['DL2XY', 7_074],
      ],
      count: 2,
    });
  });

  it('carries the first rows of a big batch, its count and truncated', () => {
    const rows = Array.from({ length: EVENT_MAX_ROWS + 5 }, (_, i) => [i]);
    const data = rowsEventData('spots', 'v2', ['n'], ['integer'], rows);
    expect(data['count']).toBe(EVENT_MAX_ROWS + 5);
    expect(data['truncated']).toBe(true);
    expect(data['rows']).toEqual(rows.slice(0, EVENT_MAX_ROWS));
  });
});

describe('jsonRows', () => {
  it('writes 64-bit integers as text and timestamps as ISO-8601 UTC', () => {
    expect(
      jsonRows(
        ['integer', 'timestamp', 'timestamp', 'string'],
        [[2n ** 60n, '2024-05-01 12:00:00+02:00', 'not a time', 'x']],
      ),
    ).toEqual([['1152921504606846976', '2024-05-01T10:00:00.000Z', 'not a time', 'x']]);
  });
});

describe('eventId', () => {
  it('is unique and increasing within a process', () => {
    const ids = [eventId('pg'), eventId('pg'), eventId('pg')];
    expect(new Set(ids).size).toBe(3);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(new RegExp(`^pg-\\d{13}-\\d{6}-${process.pid}$`));
  });
});
