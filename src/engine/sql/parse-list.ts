/**
 * Comma-separated lists in PostgREST syntax (`select=a,"b,c"`, `in.(1,"x,y")`, `order=a.desc`):
 * items may be double-quoted so that they can hold commas, dots and parentheses; inside quotes
 * a backslash escapes the next character (`\"`, `\\`).
 */
import { BadParameterError } from '../../errors.js';

/** `text` split at the commas that are outside double quotes; items are returned verbatim. */
export function splitList(parameter: string, text: string): string[] {
  const items: string[] = [];
  let start = 0;
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '\\') index += 1;
      else if (char === '"') quoted = false;
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      items.push(text.slice(start, index));
      start = index + 1;
    }
  }
  if (quoted) {
    throw new BadParameterError(parameter, `${parameter}: unterminated double quote in "${text}"`);
  }
  items.push(text.slice(start));
  return items;
}

/**
 * Reads the double-quoted string at the start of `text`: its unescaped content and the index
 * just after the closing quote.
 */
export function readQuoted(parameter: string, text: string): { value: string; end: number } {
  let value = '';
  for (let index = 1; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') return { value, end: index + 1 };
    if (char === '\\' && index + 1 < text.length) {
      index += 1;
      value += text[index];
    } else {
      value += char;
    }
  }
  throw new BadParameterError(parameter, `${parameter}: unterminated double quote in ${text}`);
}

/** One list item: the content of a double-quoted item, or the item itself. */
export function unquoteItem(parameter: string, item: string): string {
  if (!item.startsWith('"')) return item;
  const { value, end } = readQuoted(parameter, item);
  if (end !== item.length) {
    throw new BadParameterError(
      parameter,
      `${parameter}: unexpected text after the closing quote in ${item}; quote the whole item`,
    );
  }
  return value;
}
