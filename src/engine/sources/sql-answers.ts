/**
 * How a source with a SQL engine answers rows and aggregates: the shared builders in
 * src/engine/sql write the statements in the source's dialect, the source only runs them.
 * DuckDB (file datasets) and PostgreSQL (pushdown) answer through these same steps, so an
 * answer differs between kinds only where their dialects do.
 */
import {
  type BinRange,
  aggregateBinEdges,
  buildAggregateSql,
  buildBinRangeSql,
  buildTopGroupsSql,
  isFoldable,
} from '../sql/build-aggregate-sql.js';
import { buildRowsSql } from '../sql/build-rows-sql.js';
import type { AggregateQuery, RowsQuery, SqlDialect, SqlStatement } from '../sql/query-types.js';
import { type ShapedAggregate, aggregateRows, shapeAggregate } from '../sql/shape-aggregate.js';
import type { RowsPage, ServedDataset } from './dataset-source.js';

/** A source's way to run one statement: its dialect, and rows back as JSON-ready cells. */
export interface SqlRunner {
  readonly dialect: SqlDialect;
  query(statement: SqlStatement): Promise<RowsPage>;
}

/** Where the bins of a `bins` query lie; a source may know without a query. */
export type BinRangeOf = (query: AggregateQuery) => Promise<BinRange> | BinRange;

export interface AggregateAnswerOptions {
  /** Default: the finite range of x over the filtered rows, by one more query. */
  readonly binRange?: BinRangeOf;
}

/** The rows statement of `query` over the dataset, in the runner's dialect. */
export function rowsStatement(
  dataset: ServedDataset,
  query: RowsQuery,
  dialect: SqlDialect,
): SqlStatement {
  return buildRowsSql(dataset.relation, query, dataset.columns, dialect);
}

export function answerRows(
  runner: SqlRunner,
  dataset: ServedDataset,
  query: RowsQuery,
): Promise<RowsPage> {
  return runner.query(rowsStatement(dataset, query, runner.dialect));
}

/** The range of x over the rows `query` filters (0–0 without rows). */
export async function queryBinRange(
  runner: SqlRunner,
  dataset: ServedDataset,
  query: AggregateQuery,
): Promise<BinRange> {
  const range = await runner.query(
    buildBinRangeSql(dataset.relation, query, dataset.columns, runner.dialect),
  );
  const [min, max] = range.rows[0] ?? [];
  return { min: Number(min ?? 0), max: Number(max ?? 0) };
}

/** The range of x over the whole dataset, from the column statistics (0–0 without them). */
export function statsBinRange(dataset: ServedDataset, query: AggregateQuery): BinRange {
  const stats = dataset.columns.find((c) => c.name === query.x)?.stats;
  return { min: Number(stats?.min ?? 0), max: Number(stats?.max ?? 0) };
}

export async function answerAggregate(
  runner: SqlRunner,
  dataset: ServedDataset,
  query: AggregateQuery,
  options: AggregateAnswerOptions = {},
): Promise<ShapedAggregate> {
  const { dialect } = runner;
  let binRange: BinRange | undefined;
  let edges: number[] | undefined;
  if (query.bins !== undefined && query.x !== undefined) {
    binRange = await (options.binRange ?? ((q) => queryBinRange(runner, dataset, q)))(query);
    edges = aggregateBinEdges(query, binRange);
  }
  let topGroups: string[] | undefined;
  // Median and distinct cannot be folded from per-cell partials: find the top groups first.
  if (query.group !== undefined && !isFoldable(query)) {
    const top = await runner.query(
      buildTopGroupsSql(dataset.relation, query, dataset.columns, dialect),
    );
    topGroups = top.rows.map((row) => String(row[0] ?? null)).slice(0, query.top);
  }
  const cells = await runner.query(
    buildAggregateSql(dataset.relation, query, dataset.columns, dialect, {
      ...(binRange === undefined ? {} : { binRange }),
      ...(topGroups === undefined ? {} : { topGroups }),
    }),
  );
  return shapeAggregate(aggregateRows(cells.rows), query, edges);
}
