/**
 * URL parameters of `GET /api/v1/datasets/{id}/aggregate` → a validated AggregateQuery:
 * `x`, `bucket`, `bins`, `y`, `agg`, `group`, `top`, `points`, and filters as on rows.
 */
import { BadParameterError, UnknownColumnError } from '../../errors.js';
import type { ColumnType } from '../../shared/api-types.js';
import { resolveColumn } from './identifiers.js';
import {
  type Measure,
  aggregateNodes,
  looksLikeMeasure,
  parseMeasure,
} from './measure-expression.js';
import { parseBoundedInteger, parseChoice, parseFilters, singleValue } from './query-parameters.js';
import {
  AGGREGATE_DEFAULT_TOP,
  AGGREGATE_MAX_BINS,
  AGGREGATE_MAX_POINTS,
  AGGREGATE_MAX_TOP,
  AGGREGATE_PARAMETERS,
  type AggFunction,
  type AggregateQuery,
  type RawQuery,
  type SchemaColumn,
  type TimeBucket,
} from './query-types.js';

/** Every aggregate function; the first is the default. */
export const AGG_FUNCTIONS: readonly AggFunction[] = [
  'count',
  'sum',
  'mean',
  'min',
  'max',
  'median',
  'distinct',
];

/** Every time bucket, finest first. */
export const TIME_BUCKETS: readonly TimeBucket[] = [
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'quarter',
  'year',
];

const MIN_POINTS = 3;
const NUMERIC: readonly ColumnType[] = ['integer', 'float'];
const TIME: readonly ColumnType[] = ['date', 'timestamp'];
// Series values are numbers, so min/max of text has no place in a chart; booleans count as
// 0/1 and dates and timestamps as epoch milliseconds.
const MIN_MAX: readonly ColumnType[] = ['integer', 'float', 'boolean', 'date', 'timestamp'];

/** Column types `y` accepts for each aggregate function. */
export const Y_TYPES: Readonly<Record<AggFunction, readonly ColumnType[]>> = {
  count: ['integer', 'float', 'string', 'boolean', 'date', 'timestamp'],
  sum: NUMERIC,
  mean: NUMERIC,
  median: NUMERIC,
  min: MIN_MAX,
  max: MIN_MAX,
  distinct: ['integer', 'float', 'string', 'boolean', 'date', 'timestamp'],
};

function optionalColumn(
  raw: RawQuery,
  key: string,
  schema: readonly SchemaColumn[],
): SchemaColumn | undefined {
  const name = singleValue(raw, key);
  return name === undefined ? undefined : resolveColumn(key, name, schema);
}

function optionalInteger(raw: RawQuery, key: string, min: number, max: number): number | undefined {
  const text = singleValue(raw, key);
  return text === undefined ? undefined : parseBoundedInteger(key, text, min, max);
}

function describeTypes(types: readonly ColumnType[]): string {
  return types.length === 1
    ? (types[0] as string)
    : `${types.slice(0, -1).join(', ')} or ${types.at(-1)}`;
}

function checkBucket(x: SchemaColumn | undefined, bucket: TimeBucket | undefined): void {
  if (bucket === undefined) return;
  if (x === undefined)
    throw new BadParameterError('bucket', 'bucket needs x=<date or timestamp column>');
  if (!TIME.includes(x.type)) {
    throw new BadParameterError(
      'bucket',
      `bucket applies to a date or timestamp x; "${x.name}" is a ${x.type} column`,
    );
  }
}

function checkBins(
  x: SchemaColumn | undefined,
  bins: number | undefined,
  bucket: TimeBucket | undefined,
): void {
  if (bins === undefined) return;
  if (bucket !== undefined) {
    throw new BadParameterError(
      'bins',
      'bins and bucket cannot be combined: bucket groups a date or timestamp x, bins histograms a numeric x',
    );
  }
  if (x === undefined)
    throw new BadParameterError('bins', 'bins needs x=<integer or float column>');
  if (!NUMERIC.includes(x.type)) {
    throw new BadParameterError(
      'bins',
      `bins applies to an integer or float x; "${x.name}" is a ${x.type} column`,
    );
  }
}

function checkY(y: SchemaColumn | undefined, agg: AggFunction): void {
  if (agg === 'count') return;
  const accepted = describeTypes(Y_TYPES[agg]);
  if (y === undefined) {
    throw new BadParameterError('y', `agg=${agg} needs y=<${accepted} column>`);
  }
  if (!Y_TYPES[agg].includes(y.type)) {
    throw new BadParameterError(
      'y',
      `agg=${agg} needs a y of type ${accepted}; "${y.name}" is a ${y.type} column`,
    );
  }
}

/**
 * `text` as a computed measure whose every call fits the schema: the columns exist and have a
 * type its function accepts. Errors name `parameter` and the position in the text.
 */
export function parseSchemaMeasure(
  text: string,
  schema: readonly SchemaColumn[],
  parameter = 'y',
): Measure {
  const measure = parseMeasure(text, parameter);
  const at = (position: number): string =>
    ` at position ${position} of ${JSON.stringify(measure.text)}`;
  for (const call of aggregateNodes(measure.node)) {
    if (call.column === undefined) continue;
    const column = schema.find((candidate) => candidate.name === call.column);
    if (column === undefined) {
      throw new UnknownColumnError(
        parameter,
        call.column,
        schema.map((candidate) => candidate.name),
        at(call.columnPosition),
      );
    }
    if (!Y_TYPES[call.fn].includes(column.type)) {
      throw new BadParameterError(
        parameter,
        `${parameter}: ${call.fn} needs a column of type ${describeTypes(Y_TYPES[call.fn])}; "${column.name}" is a ${column.type} column${at(call.columnPosition)}`,
      );
    }
  }
  return measure;
}

/** `y` as a computed measure, when it is not a column of that name and calls a function. */
function optionalMeasure(raw: RawQuery, schema: readonly SchemaColumn[]): Measure | undefined {
  const text = singleValue(raw, 'y');
  if (text === undefined || !looksLikeMeasure(text)) return undefined;
  if (schema.some((column) => column.name === text)) return undefined;
  if (singleValue(raw, 'agg') !== undefined) {
    throw new BadParameterError(
      'agg',
      `agg does not combine with a computed measure y=${JSON.stringify(text)}; the measure names its aggregates`,
    );
  }
  return parseSchemaMeasure(text, schema);
}

/**
 * The validated aggregate query for `raw`. `y` is ignored by `agg=count` (rows are counted),
 * so a chart can switch between count and another function without dropping it. A `y` that is
 * not a column and calls a function is a computed measure (`sum(revenue) / sum(units)`).
 */
export function parseAggregateQuery(
  raw: RawQuery,
  schema: readonly SchemaColumn[],
): AggregateQuery {
  const x = optionalColumn(raw, 'x', schema);
  const measure = optionalMeasure(raw, schema);
  const y = measure === undefined ? optionalColumn(raw, 'y', schema) : undefined;
  const group = optionalColumn(raw, 'group', schema);
  const bucketText = singleValue(raw, 'bucket');
  const bucket =
    bucketText === undefined ? undefined : parseChoice('bucket', bucketText, TIME_BUCKETS);
  const aggText = singleValue(raw, 'agg');
  const agg = aggText === undefined ? 'count' : parseChoice('agg', aggText, AGG_FUNCTIONS);
  const bins = optionalInteger(raw, 'bins', 1, AGGREGATE_MAX_BINS);
  checkBucket(x, bucket);
  checkBins(x, bins, bucket);
  checkY(y, agg);
  return {
    x: x?.name,
    bucket,
    bins,
    y: y?.name,
    agg,
    group: group?.name,
    top: optionalInteger(raw, 'top', 1, AGGREGATE_MAX_TOP) ?? AGGREGATE_DEFAULT_TOP,
    points: optionalInteger(raw, 'points', MIN_POINTS, AGGREGATE_MAX_POINTS),
    filters: parseFilters(raw, schema, AGGREGATE_PARAMETERS),
    ...(measure !== undefined && { measure }),
  };
}
