/**
 * One PostgREST filter expression, `[not.]<op>.<value>`, parsed and typed for one column
 * (https://docs.postgrest.org/en/stable/references/api/tables_views.html#operators).
 */
import { BadParameterError } from '../../errors.js';
import { coerceValue, showValue, VALUE_PLACEHOLDERS } from './coerce-value.js';
import { splitList, unquoteItem } from './parse-list.js';
import type { BoundValue, Filter, FilterOp, SchemaColumn } from './query-types.js';

/** Every filter operator, in the order the docs list them. */
export const FILTER_OPS: readonly FilterOp[] = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'ilike',
  'in',
  'is',
];

const ORDERING_OPS: ReadonlySet<FilterOp> = new Set(['gt', 'gte', 'lt', 'lte']);
const IS_VALUES: Readonly<Record<string, BoundValue>> = { null: null, true: true, false: false };

function isFilterOp(token: string): token is FilterOp {
  return (FILTER_OPS as readonly string[]).includes(token);
}

function opsHelp(): string {
  return `expected [not.]<op>.<value> with <op> one of ${FILTER_OPS.join(', ')}`;
}

/**
 * A LIKE pattern from PostgREST's: `*` is a wildcard like `%`; a backslash escapes the next
 * character (the builders declare `ESCAPE '\'`), and `\*` is a literal star.
 */
export function likePattern(parameter: string, text: string): string {
  let pattern = '';
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '\\') {
      const next = text[index + 1];
      if (next === undefined) {
        throw new BadParameterError(
          parameter,
          `${parameter}: a like pattern cannot end with a lone backslash; write \\\\ for a literal one`,
        );
      }
      pattern += next === '*' ? '*' : `\\${next}`;
      index += 1;
    } else {
      pattern += char === '*' ? '%' : char;
    }
  }
  return pattern;
}

function parseIn(parameter: string, column: SchemaColumn, text: string): BoundValue[] {
  if (!text.startsWith('(') || !text.endsWith(')') || text.length < 2) {
    throw new BadParameterError(
      parameter,
      `${parameter}: in.(<value>,<value>,…) expected, got ${showValue(`in.${text}`)}`,
    );
  }
  const inner = text.slice(1, -1);
  if (inner === '') return [];
  const expected = `in.(${VALUE_PLACEHOLDERS[column.type]},…)`;
  return splitList(parameter, inner).map((item) =>
    coerceValue(parameter, column.type, unquoteItem(parameter, item), expected),
  );
}

function parseIs(parameter: string, column: SchemaColumn, text: string): BoundValue {
  const value = IS_VALUES[text.toLowerCase()];
  const allowed = column.type === 'boolean' ? 'is.null, is.true or is.false' : 'is.null';
  if (value === undefined || (value !== null && column.type !== 'boolean')) {
    throw new BadParameterError(
      parameter,
      `${parameter}: ${allowed} expected for ${column.type} column "${column.name}", got ${showValue(`is.${text}`)}`,
    );
  }
  return value;
}

function checkOpApplies(parameter: string, column: SchemaColumn, op: FilterOp): void {
  if ((op === 'like' || op === 'ilike') && column.type !== 'string') {
    throw new BadParameterError(
      parameter,
      `${parameter}: ${op} applies to string columns only; "${column.name}" is a ${column.type} column`,
    );
  }
  if (ORDERING_OPS.has(op) && column.type === 'boolean') {
    throw new BadParameterError(
      parameter,
      `${parameter}: ${op} does not apply to boolean column "${column.name}"; use eq, neq, in or is`,
    );
  }
}

/**
 * The filter that `expression` (`eq.5`, `not.in.(a,b)`, `is.null`, …) puts on `column`; a
 * BadParameterError naming `parameter` (the query key as written) when it cannot apply.
 */
export function parseFilter(parameter: string, column: SchemaColumn, expression: string): Filter {
  let rest = expression;
  let negate = false;
  if (rest.startsWith('not.')) {
    negate = true;
    rest = rest.slice('not.'.length);
  }
  const dot = rest.indexOf('.');
  const op = dot === -1 ? rest : rest.slice(0, dot);
  if (dot === -1 || !isFilterOp(op)) {
    const what =
      dot === -1 ? `${showValue(expression)} is not a filter` : `unknown operator "${op}"`;
    throw new BadParameterError(parameter, `${parameter}: ${what}; ${opsHelp()}, e.g. eq.<value>`);
  }
  checkOpApplies(parameter, column, op);
  const text = rest.slice(dot + 1);
  let values: BoundValue[];
  if (op === 'in') values = parseIn(parameter, column, text);
  else if (op === 'is') values = [parseIs(parameter, column, text)];
  else if (op === 'like' || op === 'ilike') values = [likePattern(parameter, text)];
  else {
    values = [
      coerceValue(parameter, column.type, text, `${op}.${VALUE_PLACEHOLDERS[column.type]}`),
    ];
  }
  return { column: column.name, op, negate, values };
}
