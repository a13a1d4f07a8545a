import { describe, expect, it } from 'vitest';
import { batchFormatOf, parseBatch } from './parse-batch.js';
import { type IngestColumn, validateBatch } from './validate-batch.js';

const schema: IngestColumn[] = [
  { name: 'ts', type: 'timestamp', required: true },
  { name: 'freq', type: 'float' },
  { name: 'n', type: 'integer' },
  { name: 'ok', type: 'boolean' },
  { name: 'day', type: 'date' },
  { name: 'call', type: 'string' },
];

describe('batchFormatOf', () => {
  it('reads the media type, ignoring parameters', () => {
    expect(batchFormatOf('application/json; charset=utf-8')).toBe('json');
    expect(batchFormatOf('application/x-ndjson')).toBe('ndjson');
    expect(batchFormatOf('text/csv')).toBe('csv');
  });

  it('answers 415 listing the accepted types', () => {
    expect(() => batchFormatOf('text/plain')).toThrow(
      /Content-Type must be one of application\/json, .*text\/csv, got "text\/plain"/,
    );
  });
});

describe('validateBatch', () => {
  it('types the values of JSON, NDJSON and CSV alike', () => {
    const json = parseBatch('json', [
      {
        ts: '2024-05-01T12:00:00+02:00',
        freq: 14.074,
        n: 3,
        ok: true,
        day: '2024-05-01',
        call: 'DL1ABC',
      },
    ]);
    const ndjson = parseBatch(
      'ndjson',
      '{"ts":"2024-05-01T10:00:00Z","freq":"14.074","n":"3","ok":"true","day":"2024-05-01","call":"DL1ABC"}\n',
    );
    const csv = parseBatch(
      'csv',
      'ts,freq,n,ok,day,call\n2024-05-01 10:00:00Z,14.074,3,true,2024-05-01,DL1ABC\n',
    );
    const expected = [['2024-05-01T10:00:00Z', 14.074, 3, true, '2024-05-01', 'DL1ABC']];
    for (const records of [json, ndjson, csv])
      expect(validateBatch(records, schema).rows).toEqual(expected);
  });

  it('fills absent values with null, and empty CSV fields too', () => {
    const records = parseBatch('csv', 'ts,call,n\n2024-01-01T00:00:00Z,,\n');
    expect(validateBatch(records, schema)).toEqual({
      columns: ['ts', 'freq', 'n', 'ok', 'day', 'call'],
      rows: [['2024-01-01T00:00:00Z', null, null, null, null, null]],
    });
  });

  it('carries only the given columns when asked (database defaults apply)', () => {
    const records = parseBatch('json', [{ ts: '2024-01-01T00:00:00Z', call: 'X' }]);
    expect(validateBatch(records, schema, { onlyGivenColumns: true }).columns).toEqual([
      'ts',
      'call',
    ]);
  });

  it.each([
    [
      [{ ts: '2024-01-01T00:00:00Z' }, { ts: '2024-01-01T00:00:00Z', freq: 'fast' }],
      'row 2: column "freq": "fast" is not a float',
    ],
    [[{ ts: '2024-01-01T00:00:00Z', n: 1.5 }], 'row 1: column "n": 1.5 is not an integer'],
    [
      [{ ts: '2024-02-30T00:00:00Z' }],
      'row 1: column "ts": "2024-02-30T00:00:00Z" is not a timestamp',
    ],
    [
      [{ ts: '2024-01-01T00:00:00Z', band: '20m' }],
      'row 1: unknown column "band"; columns are: ts, freq, n, ok, day, call',
    ],
    [[{ freq: 1 }], 'row 1: column "ts" needs a value'],
    [
      [{ ts: '2024-01-01T00:00:00Z', call: { a: 1 } }],
      'row 1: column "call": a nested object is not a string',
    ],
  ])('rejects the whole batch naming the row and column (%#)', (rows, message) => {
    expect(() => validateBatch(parseBatch('json', rows), schema)).toThrow(
      `body: ${message}; nothing was written`,
    );
  });

  it('rejects an empty batch and bodies that are not rows', () => {
    expect(() => validateBatch(parseBatch('json', []), schema)).toThrow('the batch has no rows');
    expect(() => parseBatch('json', { ts: 1 })).toThrow('a JSON body must be an array of objects');
    expect(() => parseBatch('ndjson', '{"ts":1}\n[1]\n')).toThrow('line 2 is not an object');
    expect(() => parseBatch('ndjson', '{"ts":1}\n{oops\n')).toThrow('line 2 is not valid JSON');
  });
});
