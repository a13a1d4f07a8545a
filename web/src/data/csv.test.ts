import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from './csv.js';

describe('toCsv', () => {
  it('writes RFC 4180: CRLF lines, quotes only where needed, empty for null', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          [1, 'x'],
          [null, 'say "hi", then go'],
          [true, ' padded'],
        ],
      ),
    ).toBe('a,b\r\n1,x\r\n,"say ""hi"", then go"\r\ntrue," padded"\r\n');
  });

  it('quotes line breaks and leaves plain text alone', () => {
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField(undefined)).toBe('');
  });
});
