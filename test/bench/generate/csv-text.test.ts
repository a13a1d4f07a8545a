import { describe, expect, it } from 'vitest';
import { csvField, csvLine, csvTable } from '../../../bench/generate/csv-text.js';

describe('csv text', () => {
  it('leaves plain fields alone and quotes those with commas, quotes or line breaks', () => {
    expect(csvField('Outsourcing')).toBe('Outsourcing');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('writes a header and one line per row', () => {
    const rows = [
      { a: 'x', b: 1 },
      { a: 'y,z', b: 2 },
    ];
    expect(csvTable(['a', 'b'], rows, (row) => [row.a, row.b])).toBe('a,b\nx,1\n"y,z",2\n');
    expect(csvLine([])).toBe('\n');
  });
});
