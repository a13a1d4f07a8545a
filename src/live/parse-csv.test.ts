import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './parse-csv.js';

const spectrum = path.dirname(createRequire(import.meta.url).resolve('csv-spectrum/package.json'));

describe('parseCsv', () => {
  // location_coordinates.json does not match its CSV (another phone number, an object not a list).
  const cases = readdirSync(path.join(spectrum, 'csvs'))
    .map((file) => file.replace(/\.csv$/, ''))
    .filter((name) => name !== 'location_coordinates');

  it.each(cases)('reads csv-spectrum %s like its JSON', (name) => {
    const table = parseCsv(readFileSync(path.join(spectrum, 'csvs', `${name}.csv`), 'utf8'));
    const expected = JSON.parse(
      readFileSync(path.join(spectrum, 'json', `${name}.json`), 'utf8'),
    ) as Record<string, string>[];
    const objects = table.records.map((record) =>
      Object.fromEntries(table.header.map((column, i) => [column, record.fields[i] ?? ''])),
    );
    expect(objects).toEqual(expected);
  });

  it('tells an unquoted empty field (null) from a quoted empty one', () => {
    expect(parseCsv('a,b,c\n,"",x\n').records[0]?.fields).toEqual([null, '', 'x']);
  });

  it('numbers records by the line they start on and skips blank lines', () => {
    const table = parseCsv('a,b\n1,"two\nlines"\n\n3,4');
    expect(table.records.map((r) => r.line)).toEqual([2, 5]);
  });

  it('names the line of a malformed record', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow('body: CSV line 3: 1 fields, the header has 2');
    expect(() => parseCsv('a,b\n1,"open\n')).toThrow('CSV line 2: a quoted field is not closed');
    expect(parseCsv('a,b\n1,x"y\n').records[0]?.fields).toEqual(['1', 'x"y']);
    expect(() => parseCsv('a,b\n1,"x"y\n')).toThrow('CSV line 2: text after a closing quote');
    expect(() => parseCsv('')).toThrow('no header line');
  });
});
