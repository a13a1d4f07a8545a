import { describe, expect, it } from 'vitest';
import { csvLine, ndjsonLine } from './row-encoders.js';

describe('row encoders', () => {
  it('quotes CSV fields that need it and leaves NULL empty', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', null, 3, true])).toBe(
      'a,"b,c","say ""hi""",,3,true\r\n',
    );
    expect(csvLine(['line\nbreak', ' padded'])).toBe('"line\nbreak"," padded"\r\n');
  });
  it('writes one JSON object per line keyed by column', () => {
    expect(ndjsonLine(['x', 'y'], [1, null])).toBe('{"x":1,"y":null}\n');
  });
});
