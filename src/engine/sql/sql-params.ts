/**
 * Collects bound values while a statement is built and hands out their `$n` placeholders, so
 * placeholders are numbered in the order the values are added, whatever the builder's shape.
 */
import type { BoundValue } from './query-types.js';

/** A growing list of bound values. */
export interface SqlParams {
  /** Adds `value` and returns its placeholder (`$1`, `$2`, …). */
  add(value: BoundValue): string;
  readonly values: readonly BoundValue[];
}

/** An empty parameter list. */
export function createSqlParams(): SqlParams {
  const values: BoundValue[] = [];
  return {
    add(value) {
      values.push(value);
      return `$${values.length}`;
    },
    values,
  };
}
