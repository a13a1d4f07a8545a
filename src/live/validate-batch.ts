/**
 * Checks ingested records against the dataset's schema and turns them into typed rows: every
 * key must be a column, every value must fit its column's type (numbers or their text, `true`
 * / `false`, `YYYY-MM-DD`, ISO-8601 timestamps normalized to UTC), required columns must have
 * a value. The first problem fails the whole batch with a 400 naming the row and column.
 */
import { DashportError, isDashportError } from '../errors.js';
import { coerceValue, showValue } from '../engine/sql/coerce-value.js';
import type { BoundValue } from '../engine/sql/query-types.js';
import type { ColumnType } from '../shared/api-types.js';
import type { BatchRecord } from './parse-batch.js';

export interface IngestColumn {
  readonly name: string;
  readonly type: ColumnType;
  /** A row without a value for it is rejected (NOT NULL without a default). */
  readonly required?: boolean;
}

export interface ValidBatch {
  /** The columns the rows carry, in schema order. */
  readonly columns: string[];
  readonly rows: BoundValue[][];
}

export interface ValidateOptions {
  /** Carry only columns some record names (so database defaults apply to the others). */
  readonly onlyGivenColumns?: boolean;
}

const SHOWN_COLUMNS = 30;

function badBody(where: string, message: string): DashportError {
  return new DashportError(
    'DASHPORT_ERR_BAD_BODY',
    `body: ${where}: ${message}; nothing was written`,
    {
      parameter: 'body',
    },
  );
}

function valueOf(column: IngestColumn, raw: unknown, where: string): BoundValue {
  if (raw === null || raw === undefined) return null;
  const expected = column.type === 'integer' ? 'an integer' : `a ${column.type}`;
  if (typeof raw === 'number') {
    if (column.type === 'string') return String(raw);
    if (column.type === 'float' && Number.isFinite(raw)) return raw;
    if (column.type === 'integer' && Number.isSafeInteger(raw)) return raw;
    throw badBody(where, `column "${column.name}": ${raw} is not ${expected}`);
  }
  if (typeof raw === 'boolean') {
    if (column.type === 'boolean') return raw;
    if (column.type === 'string') return String(raw);
    throw badBody(where, `column "${column.name}": ${raw} is not ${expected}`);
  }
  if (typeof raw === 'string') {
    if (column.type === 'string') return raw;
    if (raw === '') return null;
    try {
      return coerceValue(column.name, column.type, raw, expected);
    } catch (error) {
      if (!isDashportError(error)) throw error;
      throw badBody(where, `column "${column.name}": ${showValue(raw)} is not ${expected}`);
    }
  }
  throw badBody(
    where,
    `column "${column.name}": a ${Array.isArray(raw) ? 'list' : 'nested object'} is not ${column.type === 'integer' ? 'an integer' : `a ${column.type}`}`,
  );
}

/** Typed rows for `records`, or a 400 for the first record that does not fit `schema`. */
export function validateBatch(
  records: readonly BatchRecord[],
  schema: readonly IngestColumn[],
  options: ValidateOptions = {},
): ValidBatch {
  if (records.length === 0) {
    throw new DashportError('DASHPORT_ERR_BAD_BODY', 'body: the batch has no rows', {
      parameter: 'body',
    });
  }
  const byName = new Map(schema.map((column) => [column.name, column]));
  const given = new Set<string>();
  for (const record of records) {
    for (const key of Object.keys(record.values)) {
      if (!byName.has(key)) {
        const names = schema
          .slice(0, SHOWN_COLUMNS)
          .map((c) => c.name)
          .join(', ');
        throw badBody(
          record.where,
          `unknown column "${key}"; columns are: ${names}${schema.length > SHOWN_COLUMNS ? ', …' : ''}`,
        );
      }
      given.add(key);
    }
  }
  const columns = schema.filter(
    (column) => !options.onlyGivenColumns || given.has(column.name) || column.required,
  );
  const rows = records.map((record) =>
    columns.map((column) => {
      const value = valueOf(column, record.values[column.name], record.where);
      if (value === null && column.required) {
        throw badBody(record.where, `column "${column.name}" needs a value`);
      }
      return value;
    }),
  );
  return { columns: columns.map((column) => column.name), rows };
}
