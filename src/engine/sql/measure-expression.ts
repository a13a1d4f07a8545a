/**
 * Computed measures: `sum(revenue) / sum(units)`, a small arithmetic language over aggregates
 * of columns (issue 11). This module only parses text into a tree; the tree is checked against
 * a schema by parse-aggregate-query and compiled to SQL, with every number bound, by
 * measure-sql. Nothing of the text ever reaches SQL as text.
 *
 *   measure := term (("+" | "-") term)*
 *   term    := unary (("*" | "/") unary)*
 *   unary   := "-" unary | primary
 *   primary := number | function "(" [column | "*"] ")" | "(" measure ")"
 *   column  := [A-Za-z_][A-Za-z0-9_]* | '"' name with "" for a quote '"'
 *
 * `×`, `÷` and `−` are read as `*`, `/` and `-`. Positions are 1-based characters of the text.
 */
import { MeasureSyntaxError } from '../../errors.js';
import type { AggFunction } from './query-types.js';

/** The aggregate functions a measure may call: the SPEC's aggs (same list as AGG_FUNCTIONS). */
export const MEASURE_FUNCTIONS = [
  'count',
  'sum',
  'mean',
  'min',
  'max',
  'median',
  'distinct',
] as const satisfies readonly AggFunction[];

/** Longest measure text accepted; a chart's formula is a line, not a program. */
export const MEASURE_MAX_LENGTH = 500;
/** Deepest nesting of parentheses and unary minus, so a crafted text cannot exhaust the stack. */
export const MEASURE_MAX_DEPTH = 32;
/** Most aggregates in one measure; each becomes a column of the query. */
export const MEASURE_MAX_AGGREGATES = 16;

export type MeasureOperator = '+' | '-' | '*' | '/';

export type MeasureNode =
  | { readonly kind: 'number'; readonly value: number; readonly position: number }
  | {
      readonly kind: 'aggregate';
      readonly fn: AggFunction;
      /** Undefined: `count()` / `count(*)`, the rows. */
      readonly column: string | undefined;
      readonly position: number;
      /** Where the column name starts (the function's position without a column). */
      readonly columnPosition: number;
    }
  | { readonly kind: 'negate'; readonly operand: MeasureNode; readonly position: number }
  | {
      readonly kind: 'binary';
      readonly op: MeasureOperator;
      readonly left: MeasureNode;
      readonly right: MeasureNode;
      readonly position: number;
    };

/** A parsed measure and the text it was read from (its series name). */
export interface Measure {
  readonly text: string;
  readonly node: MeasureNode;
}

type Token =
  | { readonly type: 'number'; readonly value: number; readonly position: number }
  | { readonly type: 'name'; readonly value: string; readonly position: number }
  | { readonly type: 'quoted'; readonly value: string; readonly position: number }
  | { readonly type: 'symbol'; readonly value: string; readonly position: number }
  | { readonly type: 'end'; readonly position: number };

const SYMBOLS: Readonly<Record<string, string>> = {
  '+': '+',
  '-': '-',
  '−': '-',
  '*': '*',
  '×': '*',
  '/': '/',
  '÷': '/',
  '(': '(',
  ')': ')',
};
const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

/** True when `text` reads as a measure rather than a column name: it calls a function. */
export function looksLikeMeasure(text: string): boolean {
  return text.includes('(');
}

function tokenize(text: string, parameter: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  const fail = (at: number, message: string): never => {
    throw new MeasureSyntaxError(parameter, text, at + 1, message);
  };
  while (index < text.length) {
    const char = text[index] as string;
    if (/\s/.test(char)) {
      index += 1;
    } else if (SYMBOLS[char] !== undefined) {
      tokens.push({ type: 'symbol', value: SYMBOLS[char], position: index + 1 });
      index += 1;
    } else if (/[\d.]/.test(char)) {
      const match = NUMBER.exec(text.slice(index));
      if (match === null) fail(index, `"${char}" does not start a number`);
      const literal = (match as RegExpExecArray)[0];
      const value = Number(literal);
      if (!Number.isFinite(value)) fail(index, `number ${literal} is out of range`);
      tokens.push({ type: 'number', value, position: index + 1 });
      index += literal.length;
      if (index < text.length && NAME_PART.test(text[index] as string)) {
        fail(index, `unexpected "${text[index]}" after number ${literal}`);
      }
    } else if (NAME_START.test(char)) {
      const start = index;
      while (index < text.length && NAME_PART.test(text[index] as string)) index += 1;
      tokens.push({ type: 'name', value: text.slice(start, index), position: start + 1 });
    } else if (char === '"') {
      const start = index;
      let value = '';
      index += 1;
      for (;;) {
        if (index >= text.length) fail(start, 'unterminated quoted column name');
        const next = text[index] as string;
        if (next === '"') {
          if (text[index + 1] === '"') {
            value += '"';
            index += 2;
            continue;
          }
          index += 1;
          break;
        }
        value += next;
        index += 1;
      }
      if (value === '') fail(start, 'a quoted column name cannot be empty');
      tokens.push({ type: 'quoted', value, position: start + 1 });
    } else {
      fail(
        index,
        `unexpected character "${char}"; a measure uses numbers, + - * /, ( ) and ${MEASURE_FUNCTIONS.join(', ')}`,
      );
    }
  }
  tokens.push({ type: 'end', position: text.length + 1 });
  return tokens;
}

function describeToken(token: Token): string {
  if (token.type === 'end') return 'the end';
  if (token.type === 'quoted') return `"${token.value}"`;
  return `"${String(token.value)}"`;
}

/**
 * Parse measure `text` (given as request parameter or YAML key `parameter`). Throws
 * MeasureSyntaxError with the 1-based position of the first problem.
 */
export function parseMeasure(text: string, parameter = 'y'): Measure {
  if (text.length > MEASURE_MAX_LENGTH) {
    throw new MeasureSyntaxError(
      parameter,
      text.slice(0, 40) + '…',
      MEASURE_MAX_LENGTH + 1,
      `a measure is at most ${MEASURE_MAX_LENGTH} characters`,
    );
  }
  const tokens = tokenize(text, parameter);
  let index = 0;
  let aggregates = 0;
  const peek = (): Token => tokens[index] as Token;
  const fail = (token: Token, message: string): never => {
    throw new MeasureSyntaxError(parameter, text, token.position, message);
  };
  const isSymbol = (token: Token, value: string): token is Extract<Token, { type: 'symbol' }> =>
    token.type === 'symbol' && token.value === value;

  // One precedence level: operands joined left to right by any of `operators`.
  const binaryLevel =
    (operators: readonly MeasureOperator[], operand: (depth: number) => MeasureNode) =>
    (depth: number): MeasureNode => {
      let left = operand(depth);
      for (;;) {
        const token = peek();
        const op = operators.find((candidate) => isSymbol(token, candidate));
        if (op === undefined) return left;
        index += 1;
        const right = operand(depth);
        left = { kind: 'binary', op, left, right, position: token.position };
      }
    };
  const term = binaryLevel(['*', '/'], (depth) => unary(depth));
  const measure = binaryLevel(['+', '-'], term);
  const unary = (depth: number): MeasureNode => {
    const token = peek();
    if (depth > MEASURE_MAX_DEPTH) fail(token, `nested deeper than ${MEASURE_MAX_DEPTH} levels`);
    if (isSymbol(token, '-')) {
      index += 1;
      return { kind: 'negate', operand: unary(depth + 1), position: token.position };
    }
    return primary(depth);
  };
  const primary = (depth: number): MeasureNode => {
    const token = peek();
    if (token.type === 'number') {
      index += 1;
      return { kind: 'number', value: token.value, position: token.position };
    }
    if (isSymbol(token, '(')) {
      index += 1;
      const inner = measure(depth + 1);
      if (!isSymbol(peek(), ')'))
        fail(
          peek(),
          `expected ")" to close the "(" at ${token.position}, found ${describeToken(peek())}`,
        );
      index += 1;
      return inner;
    }
    if (token.type === 'name') return call(token);
    if (token.type === 'quoted') {
      return fail(
        token,
        `column ${describeToken(token)} needs an aggregate, e.g. sum(${describeToken(token)})`,
      );
    }
    return fail(
      token,
      `expected a number, a function (${MEASURE_FUNCTIONS.join(', ')}) or "(", found ${describeToken(token)}`,
    );
  };
  const call = (name: Extract<Token, { type: 'name' }>): MeasureNode => {
    const fn = MEASURE_FUNCTIONS.find((candidate) => candidate === name.value.toLowerCase());
    index += 1;
    if (!isSymbol(peek(), '(')) {
      return fail(
        name,
        fn === undefined
          ? `"${name.value}" is not a function; a column needs an aggregate, e.g. sum(${name.value})`
          : `expected "(" after ${fn}`,
      );
    }
    if (fn === undefined) {
      return fail(
        name,
        `unknown function "${name.value}"; functions are: ${MEASURE_FUNCTIONS.join(', ')}`,
      );
    }
    index += 1;
    aggregates += 1;
    if (aggregates > MEASURE_MAX_AGGREGATES)
      fail(name, `more than ${MEASURE_MAX_AGGREGATES} aggregates`);
    const argument = peek();
    let column: string | undefined;
    let columnPosition = name.position;
    if (argument.type === 'name' || argument.type === 'quoted') {
      column = argument.value;
      columnPosition = argument.position;
      index += 1;
    } else if (isSymbol(argument, '*') || isSymbol(argument, ')')) {
      if (fn !== 'count') fail(argument, `${fn} needs a column, e.g. ${fn}(value)`);
      if (isSymbol(argument, '*')) index += 1;
    } else {
      fail(argument, `expected a column name in ${fn}(…), found ${describeToken(argument)}`);
    }
    if (!isSymbol(peek(), ')'))
      fail(peek(), `expected ")" after ${fn}(${column ?? ''}, found ${describeToken(peek())}`);
    index += 1;
    return { kind: 'aggregate', fn, column, position: name.position, columnPosition };
  };

  const node = measure(0);
  const rest = peek();
  if (rest.type !== 'end')
    fail(rest, `unexpected ${describeToken(rest)}; expected an operator or the end`);
  if (aggregateNodes(node).length === 0) {
    throw new MeasureSyntaxError(
      parameter,
      text,
      1,
      'a measure needs at least one aggregate, e.g. sum(value)',
    );
  }
  return { text: text.trim(), node };
}

/** The aggregate calls of a measure, left to right. */
export function aggregateNodes(node: MeasureNode): Extract<MeasureNode, { kind: 'aggregate' }>[] {
  switch (node.kind) {
    case 'number':
      return [];
    case 'aggregate':
      return [node];
    case 'negate':
      return aggregateNodes(node.operand);
    case 'binary':
      return [...aggregateNodes(node.left), ...aggregateNodes(node.right)];
  }
}
