/**
 * What a SQL dataset's statement may be, decided on DuckDB's own parse tree (the JSON of
 * `json_serialize_sql`), never on the text: exactly one SELECT (WITH … SELECT, FROM-first,
 * VALUES, set operations), reading other datasets by id, and no table function but the few
 * that generate rows. The text is only scanned to say where a statement starts, for the line of
 * a refusal; the decision is DuckDB's parser's (SPEC §10).
 */

/** Table functions that read nothing but their arguments; every other one may read files. */
const ROW_GENERATORS = new Set(['range', 'generate_series', 'unnest']);

/** FROM items that are plain relational building blocks; anything else is refused by name. */
const ALLOWED_TABLE_REFS = new Set([
  'BASE_TABLE',
  'SUBQUERY',
  'JOIN',
  'TABLE_FUNCTION',
  'EXPRESSION_LIST',
  'EMPTY',
  'EMPTY_FROM',
  'PIVOT',
]);

/** Words a query starts with: a refused one is a query DuckDB could not serialize, not a write. */
const QUERY_KEYWORDS = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE']);

/** DuckDB's "no location" marker (u64 max), which JSON reads as a float past 2^53. */
const NO_LOCATION = 2 ** 53;

/** A dataset the statement reads, and the first line it is named on. */
export interface SqlReference {
  readonly id: string;
  readonly line: number;
}

/**
 * One place the statement names a dataset: where the name starts (a byte offset, DuckDB's
 * `query_location`) and whether an alias follows it, so the name can be replaced by the real
 * relation when the statement runs in PostgreSQL (pg-sql-text.ts).
 */
export interface SqlTableUse {
  readonly id: string;
  readonly offset: number;
  readonly aliased: boolean;
}

export interface SqlRefusal {
  readonly line: number;
  readonly reason: string;
}

export type StatementCheck =
  | {
      readonly ok: true;
      readonly references: readonly SqlReference[];
      readonly uses: readonly SqlTableUse[];
      /** The functions it calls (lower case) and the first line of each, for PostgreSQL's checks. */
      readonly functions: readonly SqlReference[];
    }
  | { readonly ok: false; readonly refusal: SqlRefusal };

/** The 1-based line of a byte offset (DuckDB counts UTF-8 bytes). */
export function lineAt(text: string, byteOffset: number): number {
  const prefix = Buffer.from(text, 'utf8').subarray(0, Math.max(0, byteOffset)).toString('utf8');
  let line = 1;
  for (const char of prefix) if (char === '\n') line += 1;
  return line;
}

/** A statement's extent in the text: from its first token to its `;` (or the end). */
export interface StatementSpan {
  /** Byte offset of the first token. */
  readonly start: number;
  readonly line: number;
  /** The first word, upper-cased (`SELECT`, `INSERT`, `COPY`), for the refusal's wording. */
  readonly keyword: string;
}

/**
 * Where each statement of `text` starts, skipping comments and quoted text so a `;` inside a
 * string does not split. Only used to name the line and keyword of a refused statement; DuckDB
 * has already said whether there is more than one.
 */
export function statementSpans(text: string): StatementSpan[] {
  const spans: StatementSpan[] = [];
  let i = 0;
  let startOfStatement = true;
  const bytesBefore = (index: number) => Buffer.byteLength(text.slice(0, index), 'utf8');
  while (i < text.length) {
    const char = text[i] ?? '';
    const next = text[i + 1] ?? '';
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end + 1;
    } else if (char === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (char === ';') {
      startOfStatement = true;
      i += 1;
    } else {
      if (startOfStatement) {
        const word = /^[A-Za-z_]+/.exec(text.slice(i))?.[0] ?? char;
        const start = bytesBefore(i);
        spans.push({ start, line: lineAt(text, start), keyword: word.toUpperCase() });
        startOfStatement = false;
      }
      i = skipToken(text, i);
    }
  }
  return spans;
}

/**
 * `text` with each `;` outside quotes and comments turned into a space, so the one statement
 * can be nested in another (a derived table) with its offsets and lines unchanged.
 */
export function blankTerminators(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? '';
    const next = text[i + 1] ?? '';
    let end: number;
    if (char === '-' && next === '-') {
      const newline = text.indexOf('\n', i);
      end = newline === -1 ? text.length : newline;
    } else if (char === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      end = close === -1 ? text.length : close + 2;
    } else {
      end = skipToken(text, i);
    }
    out += char === ';' ? ' ' : text.slice(i, end);
    i = end;
  }
  return out;
}

/** The index after the token at `i`: a quoted string or identifier, a dollar-quoted body, or one character. */
function skipToken(text: string, i: number): number {
  const char = text[i] ?? '';
  if (char === "'" || char === '"') {
    let j = i + 1;
    while (j < text.length) {
      if (text[j] === char) {
        if (text[j + 1] === char) j += 2;
        else return j + 1;
      } else j += 1;
    }
    return text.length;
  }
  if (char === '$') {
    const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i))?.[0];
    if (tag !== undefined) {
      const end = text.indexOf(tag, i + tag.length);
      return end === -1 ? text.length : end + tag.length;
    }
  }
  return i + 1;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function visit(node: unknown, each: (object: Json) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, each);
  } else if (isObject(node)) {
    each(node);
    for (const value of Object.values(node)) visit(value, each);
  }
}

/** FROM items carry `sample` and `alias` but, unlike expressions, no `class`. */
function isTableRef(object: Json): boolean {
  return (
    typeof object['type'] === 'string' &&
    'sample' in object &&
    'alias' in object &&
    !('class' in object)
  );
}

function locationOf(object: Json): number | undefined {
  const location = object['query_location'];
  return typeof location === 'number' && location < NO_LOCATION ? location : undefined;
}

/** `FROM pg.events` and `FROM "pg.events"` both read the dataset `pg.events`. */
function referencedId(object: Json): string {
  return ['catalog_name', 'schema_name', 'table_name']
    .map((key) => object[key])
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .join('.')
    .toLowerCase();
}

/**
 * Checks the parse of one statement (an element of `json_serialize_sql(...).statements`) and
 * lists the datasets it reads. CTE names are not datasets; a name the catalog does not know is
 * the dependency graph's to report.
 */
export function checkSelectTree(tree: unknown, text: string): StatementCheck {
  const cteNames = new Set<string>();
  visit(tree, (object) => {
    const map = isObject(object['cte_map']) ? object['cte_map']['map'] : undefined;
    if (Array.isArray(map)) {
      for (const entry of map) {
        if (isObject(entry) && typeof entry['key'] === 'string')
          cteNames.add(entry['key'].toLowerCase());
      }
    }
  });
  const references = new Map<string, number>();
  const uses: SqlTableUse[] = [];
  const functions = new Map<string, number>();
  let refusal: SqlRefusal | undefined;
  const refuse = (object: Json, reason: string) => {
    const location = locationOf(object);
    refusal ??= { line: location === undefined ? 1 : lineAt(text, location), reason };
  };
  visit(tree, (object) => {
    if (object['class'] === 'PARAMETER') {
      // Nothing binds it, and in PostgreSQL `$1` would take the value of a viewer's filter.
      refuse(object, 'a SQL dataset has no parameters: write the value in the statement');
      return;
    }
    if (object['class'] === 'FUNCTION' && typeof object['function_name'] === 'string') {
      const name = object['function_name'].toLowerCase();
      const location = locationOf(object);
      const line = location === undefined ? 1 : lineAt(text, location);
      if (!functions.has(name) || line < (functions.get(name) ?? line)) functions.set(name, line);
    }
    if (!isTableRef(object)) return;
    const type = String(object['type']);
    if (!ALLOWED_TABLE_REFS.has(type)) {
      refuse(object, `${type.toLowerCase().replace(/_/g, ' ')} is not allowed in a SQL dataset`);
      return;
    }
    if (type === 'TABLE_FUNCTION') {
      const fn = isObject(object['function']) ? object['function'] : {};
      const name = typeof fn['function_name'] === 'string' ? fn['function_name'] : '?';
      if (!ROW_GENERATORS.has(name.toLowerCase()) || fn['schema'] || fn['catalog']) {
        refuse(
          object,
          `table function ${name}() is not allowed: a SQL dataset reads other datasets by id, never files (only ${[...ROW_GENERATORS].join(', ')} may generate rows)`,
        );
      }
      return;
    }
    if (type !== 'BASE_TABLE') return;
    const id = referencedId(object);
    const qualified = object['schema_name'] !== '' || object['catalog_name'] !== '';
    if (!qualified && cteNames.has(id)) return;
    const location = locationOf(object);
    const line = location === undefined ? 1 : lineAt(text, location);
    const seen = references.get(id);
    if (seen === undefined || line < seen) references.set(id, line);
    if (location !== undefined) {
      const alias = object['alias'];
      uses.push({ id, offset: location, aliased: typeof alias === 'string' && alias !== '' });
    }
  });
  if (refusal !== undefined) return { ok: false, refusal };
  return {
    ok: true,
    references: [...references].map(([id, line]) => ({ id, line })),
    uses: uses.sort((a, b) => a.offset - b.offset),
    functions: [...functions].map(([id, line]) => ({ id, line })),
  };
}

/** What `json_serialize_sql` answers: the statements, or an error with its type and position. */
export interface SerializedSql {
  readonly error: boolean;
  readonly statements?: readonly unknown[];
  readonly error_type?: string;
  readonly error_message?: string;
  readonly position?: string;
}

/**
 * The verdict on a whole file from DuckDB's parse of it. `firstNonSelect` is the first
 * statement DuckDB would not serialize on its own, when the file as a whole was refused (some
 * statement is not a SELECT), so the refusal can name which one and where.
 */
export function checkStatement(
  text: string,
  parsed: SerializedSql,
  firstNonSelect?: StatementSpan,
): StatementCheck {
  const spans = statementSpans(text);
  if (!parsed.error) {
    const statements = parsed.statements ?? [];
    if (statements.length === 0 || spans.length === 0) {
      return { ok: false, refusal: { line: 1, reason: 'no statement: write one SELECT' } };
    }
    if (statements.length > 1) {
      return {
        ok: false,
        refusal: {
          line: spans[1]?.line ?? 1,
          reason: `${statements.length} statements; a SQL dataset is exactly one SELECT`,
        },
      };
    }
    return checkSelectTree(statements[0], text);
  }
  if (parsed.error_type === 'parser') {
    const position = Number(parsed.position);
    return {
      ok: false,
      refusal: {
        line: Number.isFinite(position) ? lineAt(text, position) : 1,
        reason: `syntax error: ${parsed.error_message ?? 'unreadable SQL'}`,
      },
    };
  }
  const span = firstNonSelect ?? spans[0];
  if (span !== undefined && QUERY_KEYWORDS.has(span.keyword)) {
    // A query DuckDB parses but cannot serialize (PIVOT, some DuckDB-only clauses): it cannot be
    // checked, so it is not run.
    return {
      ok: false,
      refusal: {
        line: span.line,
        reason: `this query cannot be checked (${parsed.error_message ?? 'DuckDB cannot serialize it'}); write it as a plain SELECT (PIVOT statements are not supported)`,
      },
    };
  }
  const what = span === undefined ? 'a statement' : `${span.keyword} statement`;
  const more = spans.length > 1 ? `; the file holds ${spans.length} statements` : '';
  return {
    ok: false,
    refusal: {
      line: span?.line ?? 1,
      reason: `only one SELECT is allowed in a SQL dataset, found ${article(what)}${more}`,
    },
  };
}

function article(word: string): string {
  return /^[AEIOU]/i.test(word) ? `an ${word}` : `a ${word}`;
}
