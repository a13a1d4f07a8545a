/**
 * The text a SQL dataset over PostgreSQL datasets runs as: the operator's statement with each
 * dataset name replaced, at the places DuckDB's parse tree says it stands (sql-statement.ts),
 * by the relation it is in PostgreSQL (`"public"."orders"`, or another SQL dataset's statement
 * as a derived table), keeping the name as written as its alias so column references read as
 * before. Nothing else of the text changes, so PostgreSQL's error positions map back to the
 * file's lines. Pure.
 */
import { type SqlTableUse, blankTerminators } from './sql-statement.js';

export interface PgSqlText {
  /** The statement, dataset names replaced, `;` blanked: a SELECT to nest as a derived table. */
  readonly sql: string;
  /** The file's line of a 0-based character index into `sql` (an inserted relation: its use's line). */
  lineOf(index: number): number;
}

interface Piece {
  readonly text: string;
  /** The file's line of an inserted relation; undefined for the operator's own text. */
  readonly line?: number;
}

/** The characters of the (possibly schema-qualified, possibly quoted) name starting at `start`. */
export function qualifiedNameAt(text: string, start: number): { end: number; last: string } {
  let i = start;
  let last = '';
  for (;;) {
    const partStart = i;
    if (text[i] === '"') {
      i += 1;
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) {
        i += text[i] === '"' ? 2 : 1;
      }
      i += 1;
    } else {
      const word = /^[\p{L}_][\p{L}\p{N}_$]*/u.exec(text.slice(i))?.[0] ?? '';
      i += word.length;
    }
    if (i === partStart) break;
    last = text.slice(partStart, i);
    const dot = /^\s*\.\s*/.exec(text.slice(i));
    if (dot === null) break;
    i += dot[0].length;
  }
  return { end: i, last };
}

/**
 * The statement `text` with every use of a dataset replaced by `relationOf(id)` (a FROM item),
 * aliased as the name was written when the statement gave no alias.
 */
export function pgSqlText(
  text: string,
  uses: readonly SqlTableUse[],
  relationOf: (id: string) => string,
): PgSqlText {
  const body = blankTerminators(text);
  const bytes = Buffer.from(body, 'utf8');
  const pieces: Piece[] = [];
  let at = 0;
  for (const use of [...uses].sort((a, b) => a.offset - b.offset)) {
    const start = bytes.subarray(0, use.offset).toString('utf8').length;
    if (start < at) continue;
    const name = qualifiedNameAt(body, start);
    pieces.push({ text: body.slice(at, start) });
    const line = body.slice(0, start).split('\n').length;
    const alias = use.aliased || name.last === '' ? '' : ` AS ${name.last}`;
    pieces.push({ text: `${relationOf(use.id)}${alias}`, line });
    at = name.end;
  }
  pieces.push({ text: body.slice(at) });
  return {
    sql: pieces.map((piece) => piece.text).join(''),
    lineOf(index) {
      let offset = 0;
      let line = 1;
      for (const piece of pieces) {
        const end = offset + piece.text.length;
        if (piece.line !== undefined) {
          if (index < end) return piece.line;
        } else {
          const before = piece.text.slice(0, Math.max(0, index - offset));
          line += before.split('\n').length - 1;
          if (index < end) return line;
        }
        offset = end;
      }
      return line;
    },
  };
}
