import { describe, expect, it } from 'vitest';
import { createQuoteScanState, scanChunk } from './csv-quote-scan.js';

function openQuoteLine(text: string): number | undefined {
  const state = createQuoteScanState();
  scanChunk(state, text);
  return state.inQuotes && !state.pendingQuote ? state.openedAtLine : undefined;
}

describe('unterminated quote scan', () => {
  it('names the line where the unclosed quoted field starts', () => {
    expect(openQuoteLine('a,b\n1,2\n3,"unterminated\n4,5\n')).toBe(3);
  });
  it('accepts well-formed quoting with escapes and embedded newlines', () => {
    expect(openQuoteLine('a,b\n"x ""y""",2\n"multi\nline",3\n')).toBeUndefined();
  });
  it('treats a closing quote at the very end as closed', () => {
    expect(openQuoteLine('a\n"x"')).toBeUndefined();
  });
  it('works across chunk boundaries', () => {
    const state = createQuoteScanState();
    scanChunk(state, 'a,b\n1,"he');
    scanChunk(state, 'llo""');
    scanChunk(state, '"\n2,3\n');
    expect(state.inQuotes).toBe(false);
    expect(state.line).toBe(4);
  });
});
