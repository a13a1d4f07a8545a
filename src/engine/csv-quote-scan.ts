/**
 * When DuckDB gives up on a CSV file without a line number (its sniffer fails on an
 * unterminated quote), find the line where the unclosed quoted field starts, so the error
 * can still name file, line and reason.
 */
import { createReadStream } from 'node:fs';

export interface QuoteScanState {
  line: number;
  inQuotes: boolean;
  openedAtLine: number;
  atFieldStart: boolean;
  /** The previous character was a quote inside a quoted field (maybe the first of `""`). */
  pendingQuote: boolean;
}

export function createQuoteScanState(): QuoteScanState {
  return { line: 1, inQuotes: false, openedAtLine: 0, atFieldStart: true, pendingQuote: false };
}

/** Advance the scan over one chunk of text (RFC 4180 quoting, `""` escapes). */
export function scanChunk(state: QuoteScanState, text: string, delimiter = ','): void {
  for (const char of text) {
    if (state.inQuotes) {
      if (state.pendingQuote) {
        state.pendingQuote = false;
        if (char === '"') continue;
        state.inQuotes = false;
      } else if (char === '"') {
        state.pendingQuote = true;
        continue;
      } else {
        if (char === '\n') state.line++;
        continue;
      }
    }
    if (char === '"' && state.atFieldStart) {
      state.inQuotes = true;
      state.openedAtLine = state.line;
      state.atFieldStart = false;
      continue;
    }
    if (char === '\n') state.line++;
    state.atFieldStart = char === delimiter || char === '\n' || char === '\r';
  }
}

/** The line of the quote still open at the end of the file, if any. */
export async function findUnterminatedQuote(
  file: string,
  delimiter = ',',
): Promise<number | undefined> {
  const state = createQuoteScanState();
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    scanChunk(state, chunk as string, delimiter);
  }
  return state.inQuotes && !state.pendingQuote ? state.openedAtLine : undefined;
}
