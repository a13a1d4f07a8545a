/**
 * Random rows and aggregate queries over a ModelTable (fast-check), each kept twice: as what it
 * means (column indices, model values, LIKE tokens), which the oracle evaluates, and as the
 * query-string pairs a client sends, written with every spelling the API accepts (quoted and
 * bare list items, `filter.` keys, timestamps with zones, `*` and `%` wildcards, escapes).
 */
import fc from 'fast-check';
import type { ColumnType } from '../../src/shared/api-types.js';
import {
  MODEL_COLUMNS,
  type ModelTable,
  type ModelValue,
  STRING_CHARS,
  timestampText,
} from './random-table.js';

export type CompareOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte';
/** One piece of a LIKE pattern: a literal code point, `%` (any run) or `_` (one code point). */
export type LikeToken = { readonly literal: string } | 'any' | 'one';

interface FilterBase {
  readonly column: number;
  readonly negate: boolean;
}
export type FilterSpec = FilterBase &
  (
    | { readonly kind: 'compare'; readonly op: CompareOp; readonly value: ModelValue }
    | { readonly kind: 'like'; readonly caseInsensitive: boolean; readonly tokens: LikeToken[] }
    | { readonly kind: 'in'; readonly values: ModelValue[] }
    | { readonly kind: 'is'; readonly value: null | true | false }
  );

/** A filter and how it is written: the query key (`<column>` or `filter.<column>`) and value. */
export interface WrittenFilter {
  readonly spec: FilterSpec;
  readonly key: string;
  readonly text: string;
}

export interface OrderSpec {
  readonly column: number;
  readonly direction: 'asc' | 'desc';
  readonly nulls: 'first' | 'last' | undefined;
}

export interface RowsSpec {
  /** Column indices as written (repeats allowed); undefined: every column. */
  readonly select: number[] | undefined;
  /** Ends with `id` so that every page is determined. */
  readonly order: OrderSpec[];
  readonly limit: number | undefined;
  readonly offset: number | undefined;
  readonly filters: WrittenFilter[];
  readonly pairs: [string, string][];
}

export type AggName = 'count' | 'sum' | 'mean' | 'min' | 'max' | 'median' | 'distinct';
export type BucketName = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

export type XSpec =
  | { readonly mode: 'raw'; readonly column: number }
  | { readonly mode: 'bucket'; readonly column: number; readonly bucket: BucketName }
  | { readonly mode: 'bins'; readonly column: number; readonly bins: number };

export interface AggregateSpec {
  readonly x: XSpec | undefined;
  readonly agg: AggName;
  /** Only for the functions that read y (count ignores it). */
  readonly y: number | undefined;
  readonly group: number | undefined;
  readonly top: number | undefined;
  readonly filters: WrittenFilter[];
  readonly pairs: [string, string][];
}

const ID = 0;
const columnsOfType = (types: readonly ColumnType[]): number[] =>
  MODEL_COLUMNS.flatMap((column, index) => (types.includes(column.type) ? [index] : []));
const column = (index: number) => {
  const found = MODEL_COLUMNS[index];
  if (found === undefined) throw new RangeError(`no column ${index}`);
  return found;
};

const TIMESTAMP_OFFSETS_MIN = [0, 60, -300, 330, 840, -720, 45];

function pad(value: number, width = 2): string {
  return String(Math.abs(value)).padStart(width, '0');
}

/** A timestamp filter value naming `micros`, in UTC or another zone, with T or a space. */
function timestampArbitrary(micros: bigint): fc.Arbitrary<string> {
  return fc
    .record({
      offset: fc.constantFrom(...TIMESTAMP_OFFSETS_MIN),
      zone: fc.constantFrom('Z', 'offset', 'none'),
      separator: fc.constantFrom('T', ' '),
    })
    .map(({ offset, zone, separator }) => {
      const shift = zone === 'offset' ? BigInt(offset) * 60_000_000n : 0n;
      const text = timestampText(micros + shift);
      const local = `${text.slice(0, 10)}${separator}${text.slice(11)}`;
      if (zone === 'Z') return `${local}Z`;
      if (zone === 'none') return local;
      const sign = offset < 0 ? '-' : '+';
      return `${local}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
    });
}

/** The text of a filter value of `type` (never NaN or ±Infinity: the API has no spelling). */
function valueText(type: ColumnType, value: ModelValue): fc.Arbitrary<string> {
  switch (type) {
    case 'integer':
      return fc.constant(String(value));
    case 'float': {
      const number = value as number;
      const plain = Object.is(number, -0) ? '-0' : String(number);
      return fc.constantFrom(plain, number.toExponential());
    }
    case 'boolean':
      return fc.constantFrom(String(value), String(value).toUpperCase());
    case 'timestamp':
      return timestampArbitrary(value as bigint);
    default:
      return fc.constant(String(value));
  }
}

/** Values to filter a column by: mostly ones in the table, sometimes any value of the type. */
function filterValue(table: ModelTable, index: number, fresh: fc.Arbitrary<ModelValue>) {
  const present = table.rows
    .map((row) => row[index] ?? null)
    .filter((v) => v !== null && !(typeof v === 'number' && !Number.isFinite(v)));
  return present.length === 0
    ? fresh
    : fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...present) },
        { weight: 1, arbitrary: fresh },
      );
}

function freshValue(type: ColumnType): fc.Arbitrary<ModelValue> {
  switch (type) {
    case 'integer':
      return fc.bigInt({ min: -5n, max: 5n });
    case 'float':
      return fc.double({ min: -10, max: 10, noNaN: true });
    case 'string':
      return fc.array(fc.constantFrom(...STRING_CHARS), { maxLength: 3 }).map((c) => c.join(''));
    case 'boolean':
      return fc.boolean();
    case 'date':
      return fc
        .integer({ min: -1, max: 20_000 })
        .map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
    case 'timestamp':
      return fc.bigInt({ min: -(10n ** 12n), max: 2n * 10n ** 15n });
  }
}

/** `text` as a list item: bare when the list syntax allows, else double-quoted with escapes. */
function listItem(text: string): fc.Arbitrary<string> {
  const quoted = `"${text.replace(/["\\]/g, '\\$&')}"`;
  const bareOk = !text.includes(',') && !text.startsWith('"');
  return bareOk ? fc.constantFrom(text, quoted) : fc.constant(quoted);
}

/** LIKE tokens drawn from a value of the column, with literals turned into wildcards. */
function likeTokens(table: ModelTable, index: number): fc.Arbitrary<LikeToken[]> {
  const source = filterValue(table, index, freshValue('string')) as fc.Arbitrary<string>;
  return source.chain((text) =>
    fc
      .tuple(
        ...[...text].map((char) =>
          fc.oneof(
            { weight: 5, arbitrary: fc.constant<LikeToken>({ literal: char }) },
            { weight: 1, arbitrary: fc.constantFrom<LikeToken>('any', 'one') },
          ),
        ),
        fc.constantFrom<LikeToken[]>([], ['any'], ['one']),
        fc.constantFrom<LikeToken[]>([], ['any']),
      )
      .map((parts) => {
        const tail = parts.pop() as LikeToken[];
        const head = parts.pop() as LikeToken[];
        return [...head, ...(parts as LikeToken[]), ...tail];
      }),
  );
}

/** PostgREST's pattern text: `*` or `%` for any run, `_` for one, `\` before a literal metachar. */
function likeText(tokens: readonly LikeToken[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      ...tokens.map((token) => {
        if (token === 'any') return fc.constantFrom('*', '%');
        if (token === 'one') return fc.constant('_');
        const char = token.literal;
        if ('*%_\\'.includes(char)) return fc.constant(`\\${char}`);
        // An escaped ordinary character is that character.
        return fc.oneof(
          { weight: 6, arbitrary: fc.constant(char) },
          { weight: 1, arbitrary: fc.constant(`\\${char}`) },
        );
      }),
    )
    .map((parts) => parts.join(''));
}

const ORDERING_TYPES: readonly ColumnType[] = ['integer', 'float', 'string', 'date', 'timestamp'];

function specArbitrary(
  table: ModelTable,
  index: number,
): fc.Arbitrary<{ spec: FilterSpec; text: string }> {
  const { type } = column(index);
  const value = filterValue(table, index, freshValue(type));
  const options: fc.Arbitrary<{ spec: Omit<FilterSpec, 'negate' | 'column'>; text: string }>[] = [];
  const compareOps: CompareOp[] = ORDERING_TYPES.includes(type)
    ? ['eq', 'neq', 'gt', 'gte', 'lt', 'lte']
    : ['eq', 'neq'];
  options.push(
    fc.tuple(fc.constantFrom(...compareOps), value).chain(([op, v]) =>
      valueText(type, v).map((text) => ({
        spec: { kind: 'compare' as const, op, value: v },
        text: `${op}.${text}`,
      })),
    ),
  );
  options.push(
    fc.array(value, { maxLength: 3 }).chain((values) =>
      fc.tuple(...values.map((v) => valueText(type, v).chain(listItem))).map((items) => ({
        spec: { kind: 'in' as const, values },
        text: `in.(${items.join(',')})`,
      })),
    ),
  );
  const isValues: (null | boolean)[] = type === 'boolean' ? [null, true, false] : [null];
  options.push(
    fc.tuple(fc.constantFrom(...isValues), fc.boolean()).map(([v, upper]) => {
      const word = String(v);
      return {
        spec: { kind: 'is' as const, value: v },
        text: `is.${upper ? word.toUpperCase() : word}`,
      };
    }),
  );
  if (type === 'string') {
    options.push(
      fc.tuple(fc.boolean(), likeTokens(table, index)).chain(([caseInsensitive, tokens]) =>
        likeText(tokens).map((text) => ({
          spec: { kind: 'like' as const, caseInsensitive, tokens },
          text: `${caseInsensitive ? 'ilike' : 'like'}.${text}`,
        })),
      ),
    );
  }
  return fc
    .tuple(fc.oneof(...options), fc.integer({ min: 0, max: 4 }))
    .map(([{ spec, text }, negate]) => ({
      spec: { ...spec, column: index, negate: negate === 0 } as FilterSpec,
      text: negate === 0 ? `not.${text}` : text,
    }));
}

function filtersArbitrary(table: ModelTable): fc.Arbitrary<WrittenFilter[]> {
  const one = fc.integer({ min: 0, max: MODEL_COLUMNS.length - 1 }).chain((index) =>
    fc.tuple(specArbitrary(table, index), fc.boolean()).map(([{ spec, text }, prefixed]) => ({
      spec,
      key: prefixed ? `filter.${column(index).name}` : column(index).name,
      text,
    })),
  );
  return fc.array(one, { maxLength: 3 });
}

/** A column name in a list (`select`, `order`): quoted when it must be, sometimes when not. */
function nameItem(name: string): fc.Arbitrary<string> {
  const quoted = `"${name.replace(/["\\]/g, '\\$&')}"`;
  const mustQuote = name.includes(',') || name.startsWith('"');
  return mustQuote ? fc.constant(quoted) : fc.constantFrom(name, quoted);
}

const orderArbitrary: fc.Arbitrary<{ spec: OrderSpec; text: fc.Arbitrary<string> }> = fc
  .record({
    column: fc.integer({ min: 0, max: MODEL_COLUMNS.length - 1 }),
    direction: fc.constantFrom<'asc' | 'desc' | undefined>('asc', 'desc', undefined),
    nulls: fc.constantFrom<'first' | 'last' | undefined>('first', 'last', undefined),
  })
  .map(({ column: index, direction, nulls }) => ({
    spec: { column: index, direction: direction ?? 'asc', nulls },
    text: nameItem(column(index).name).map(
      (name) =>
        `${name}${direction === undefined ? '' : `.${direction}`}${nulls === undefined ? '' : `.nulls${nulls}`}`,
    ),
  }));

/** A rows query over `table`. */
export function rowsQueryArbitrary(table: ModelTable): fc.Arbitrary<RowsSpec> {
  return fc
    .record({
      select: fc.option(
        fc.array(fc.integer({ min: 0, max: MODEL_COLUMNS.length - 1 }), {
          minLength: 1,
          maxLength: 5,
        }),
        { freq: 3 },
      ),
      order: fc.array(orderArbitrary, { maxLength: 3 }),
      limit: fc.option(fc.integer({ min: 0, max: 30 }), { freq: 3 }),
      offset: fc.option(fc.integer({ min: 0, max: 30 }), { freq: 2 }),
      filters: filtersArbitrary(table),
    })
    .chain(({ select, order, limit, offset, filters }) => {
      const terms = order.some((term) => term.spec.column === ID)
        ? order
        : [
            ...order,
            {
              spec: { column: ID, direction: 'asc' as const, nulls: undefined },
              text: fc.constant('id'),
            },
          ];
      return fc
        .tuple(
          select === null
            ? fc.constant(undefined)
            : fc.tuple(...select.map((i) => nameItem(column(i).name))),
          fc.tuple(...terms.map((term) => term.text)),
        )
        .map(([selectItems, orderItems]) => {
          const pairs: [string, string][] = [];
          if (selectItems !== undefined) pairs.push(['select', selectItems.join(',')]);
          pairs.push(['order', orderItems.join(',')]);
          if (limit !== null) pairs.push(['limit', String(limit)]);
          if (offset !== null) pairs.push(['offset', String(offset)]);
          for (const filter of filters) pairs.push([filter.key, filter.text]);
          return {
            select: select ?? undefined,
            order: terms.map((term) => term.spec),
            limit: limit ?? undefined,
            offset: offset ?? undefined,
            filters,
            pairs,
          };
        });
    });
}

const AGG_Y_TYPES: Readonly<Record<AggName, readonly ColumnType[]>> = {
  count: ['integer', 'float', 'string', 'boolean', 'date', 'timestamp'],
  sum: ['integer', 'float'],
  mean: ['integer', 'float'],
  median: ['integer', 'float'],
  min: ['integer', 'float', 'boolean', 'date', 'timestamp'],
  max: ['integer', 'float', 'boolean', 'date', 'timestamp'],
  distinct: ['integer', 'float', 'string', 'boolean', 'date', 'timestamp'],
};
const BUCKETS: readonly BucketName[] = [
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'quarter',
  'year',
];

const xArbitrary: fc.Arbitrary<XSpec | undefined> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        ...columnsOfType(['integer', 'string', 'boolean', 'date', 'timestamp', 'float']),
      )
      .map((index): XSpec => ({ mode: 'raw', column: index })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...columnsOfType(['date', 'timestamp'])), fc.constantFrom(...BUCKETS))
      .map(([index, bucket]): XSpec => ({ mode: 'bucket', column: index, bucket })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...columnsOfType(['integer', 'float'])),
        fc.integer({ min: 1, max: 7 }),
      )
      .map(([index, bins]): XSpec => ({ mode: 'bins', column: index, bins })),
  },
);

/** An aggregate query over `table`. */
export function aggregateQueryArbitrary(table: ModelTable): fc.Arbitrary<AggregateSpec> {
  return fc
    .record({
      x: xArbitrary,
      agg: fc.constantFrom<AggName>('count', 'sum', 'mean', 'min', 'max', 'median', 'distinct'),
      group: fc.option(fc.integer({ min: 1, max: MODEL_COLUMNS.length - 1 }), { freq: 2 }),
      top: fc.option(fc.integer({ min: 1, max: 4 }), { freq: 2 }),
      filters: filtersArbitrary(table),
    })
    .chain((parts) =>
      fc
        .tuple(fc.constantFrom(...columnsOfType(AGG_Y_TYPES[parts.agg])), fc.boolean())
        .map(([y, withY]): AggregateSpec => {
          const usesY = parts.agg !== 'count';
          const pairs: [string, string][] = [];
          if (parts.x !== undefined) {
            pairs.push(['x', column(parts.x.column).name]);
            if (parts.x.mode === 'bucket') pairs.push(['bucket', parts.x.bucket]);
            if (parts.x.mode === 'bins') pairs.push(['bins', String(parts.x.bins)]);
          }
          if (parts.agg !== 'count' || withY) pairs.push(['agg', parts.agg]);
          if (usesY || withY) pairs.push(['y', column(y).name]);
          if (parts.group !== null) pairs.push(['group', column(parts.group).name]);
          if (parts.top !== null) pairs.push(['top', String(parts.top)]);
          for (const filter of parts.filters) pairs.push([filter.key, filter.text]);
          return {
            x: parts.x,
            agg: parts.agg,
            y: usesY ? y : undefined,
            group: parts.group ?? undefined,
            top: parts.top ?? undefined,
            filters: parts.filters,
            pairs,
          };
        }),
    );
}
