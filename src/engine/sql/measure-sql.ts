/**
 * A parsed computed measure → SQL over the filtered rows. Columns come from the schema and are
 * read through aliases (`m0`, `m1`, …) of the filtered CTE; numbers are bound parameters; a
 * division by zero (or by a NULL aggregate) is NULL in both engines, not an error.
 */
import { aggregateFunctionSql } from './aggregate-function-sql.js';
import { typedPlaceholder } from './dialect.js';
import { quoteIdent, resolveColumn } from './identifiers.js';
import { type Measure, type MeasureNode, aggregateNodes } from './measure-expression.js';
import type { SchemaColumn, SqlDialect } from './query-types.js';
import type { SqlParams } from './sql-params.js';

/** A schema column a measure reads and its alias in the filtered rows. */
export interface MeasureColumn {
  readonly column: SchemaColumn;
  readonly alias: string;
}

/** The distinct columns `measure` reads, in order of first use, each with its alias. */
export function measureColumns(measure: Measure, schema: readonly SchemaColumn[]): MeasureColumn[] {
  const out: MeasureColumn[] = [];
  for (const call of aggregateNodes(measure.node)) {
    if (call.column === undefined || out.some((entry) => entry.column.name === call.column))
      continue;
    out.push({ column: resolveColumn('y', call.column, schema), alias: `m${out.length}` });
  }
  return out;
}

/** `, "revenue" AS m0, "units" AS m1`: the select list that feeds measureSql. */
export function measureSelectList(columns: readonly MeasureColumn[]): string {
  return columns.map(({ column, alias }) => `, ${quoteIdent(column.name)} AS ${alias}`).join('');
}

/** The measure's value as a float expression over the aliases of `columns`. */
export function measureSql(
  measure: Measure,
  columns: readonly MeasureColumn[],
  dialect: SqlDialect,
  params: SqlParams,
): string {
  const compile = (node: MeasureNode): string => {
    switch (node.kind) {
      case 'number':
        return typedPlaceholder(dialect, 'float', params.add(node.value));
      case 'aggregate': {
        const entry = columns.find(({ column }) => column.name === node.column);
        if (node.column !== undefined && entry === undefined)
          throw new TypeError(`measure column ${node.column} has no alias`);
        return aggregateFunctionSql(node.fn, entry?.column, entry?.alias ?? '', dialect);
      }
      case 'negate':
        return `(-${compile(node.operand)})`;
      case 'binary': {
        const left = compile(node.left);
        const right = compile(node.right);
        return node.op === '/'
          ? `(${left} / nullif(${right}, 0))`
          : `(${left} ${node.op} ${right})`;
      }
    }
  };
  return compile(measure.node);
}
