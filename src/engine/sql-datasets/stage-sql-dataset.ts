/**
 * Runs a SQL dataset's SELECT in a sandbox and writes its rows to one Parquet file: a DuckDB
 * instance of its own where the only files that exist are the cached Parquet of the datasets it
 * reads and the file it writes (`allowed_paths`, then `enable_external_access = false` and
 * `lock_configuration = true`, so no SET gives access back), with extension autoloading and
 * autoinstalling off. The datasets are views named by their ids. The SQL is the operator's, but
 * it must not reach files outside the cache even by mistake (issue 11, SPEC §10); DuckDB's own
 * file-system guard does that, not a check of ours.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { DataError } from '../../errors.js';
import { sqlString } from '../source-sql.js';
import { quoteIdent } from '../sql/identifiers.js';

/** A dataset the statement reads: its id and its committed Parquet file. */
export interface SandboxView {
  readonly id: string;
  readonly parquet: string;
}

export interface StageOptions {
  /** The statement as written (already checked by sql-statement.ts). */
  readonly text: string;
  /** The `.sql` file, for errors. */
  readonly file: string;
  readonly views: readonly SandboxView[];
  /** Where the rows go (a temporary name in the cache dir). */
  readonly target: string;
  readonly threads: number;
  readonly memoryLimit?: string;
  /** Where a large statement spills past the memory limit (the build's spill folder). */
  readonly tempDirectory?: string;
  readonly timeoutMs: number;
}

/** The view the statement is bound as; ids never start with `_` (discover.ts). */
const RESULT_VIEW = '_dashport_sql_dataset';

/** DuckDB quotes the failing statement as `LINE n: …`; our prefix keeps its line numbers the file's. */
const LINE_CONTEXT = /\n*\s*LINE (\d+):[\s\S]*$/;

/** Settings of the sandbox instance, fixed at creation. */
export function sandboxSettings(
  options: Pick<StageOptions, 'threads' | 'memoryLimit' | 'tempDirectory'>,
) {
  return {
    threads: String(options.threads),
    ...(options.memoryLimit === undefined ? {} : { memory_limit: options.memoryLimit }),
    ...(options.tempDirectory === undefined ? {} : { temp_directory: options.tempDirectory }),
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
  };
}

/** The statements that give one view per dataset id: `pg.events` as `pg.events` and `"pg.events"`. */
export function viewStatements(views: readonly SandboxView[]): string[] {
  const statements: string[] = [];
  const schemas = new Set<string>();
  for (const view of views) {
    const body = `SELECT * FROM read_parquet(${sqlString(view.parquet)})`;
    statements.push(`CREATE VIEW ${quoteIdent(view.id)} AS ${body}`);
    const dot = view.id.indexOf('.');
    if (dot > 0) {
      const schema = view.id.slice(0, dot);
      if (!schemas.has(schema))
        statements.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      schemas.add(schema);
      statements.push(
        `CREATE VIEW ${quoteIdent(schema)}.${quoteIdent(view.id.slice(dot + 1))} AS ${body}`,
      );
    }
  }
  return statements;
}

/** Runs the statement in the sandbox; a failure is a DataError naming the file and, when DuckDB says, the line. */
export async function stageSqlDataset(options: StageOptions): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', sandboxSettings(options));
  const connection = await instance.connect();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, options.timeoutMs);
  let statement = 'setting up the sandbox';
  try {
    const allowed = [...options.views.map((view) => view.parquet), options.target];
    for (const setup of [
      "SET TimeZone = 'UTC'",
      `SET allowed_paths = [${allowed.map(sqlString).join(', ')}]`,
      'SET enable_external_access = false',
      'SET lock_configuration = true',
      ...viewStatements(options.views),
    ]) {
      await connection.run(setup);
    }
    statement = 'binding the statement';
    // On the statement's own first line, so DuckDB's `LINE n` is the file's line n. Prepared
    // from exactly one extracted statement, so nothing after the SELECT can run here either.
    const extracted = await connection.extractStatements(
      `CREATE TEMP VIEW ${RESULT_VIEW} AS ${options.text}`,
    );
    if (extracted.count !== 1) {
      throw new Error(`${extracted.count} statements; a SQL dataset is exactly one SELECT`);
    }
    const prepared = await extracted.prepare(0);
    await prepared.run();
    statement = 'running the statement';
    await connection.run(
      `COPY (SELECT * FROM ${RESULT_VIEW}) TO ${sqlString(options.target)} (FORMAT parquet, COMPRESSION snappy)`,
    );
  } catch (error) {
    const message = timedOut
      ? `interrupted after ${options.timeoutMs / 1000} s`
      : error instanceof Error
        ? error.message
        : String(error);
    const line =
      statement === 'binding the statement' ? LINE_CONTEXT.exec(message)?.[1] : undefined;
    throw new DataError(
      `${statement}: ${message.replace(LINE_CONTEXT, '').replace(/\s+/g, ' ').trim()}`,
      { file: options.file, ...(line === undefined ? {} : { line: Number(line) }), cause: error },
    );
  } finally {
    clearTimeout(timer);
    connection.closeSync();
    instance.closeSync();
  }
}
