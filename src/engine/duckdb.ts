/**
 * One embedded DuckDB per process with a small pool of connections. A DuckDB connection runs
 * one statement at a time, so concurrent requests take turns on a few connections instead of
 * queuing behind one; a statement past its deadline is interrupted, not left running.
 */
import {
  DuckDBInstance,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { UnavailableError } from '../errors.js';
import type { BoundValue } from './sql/query-types.js';
import { toCell, type Value } from './cell.js';
import { jsValueConverter, parameterType } from './duckdb-values.js';

export interface DuckDbOptions {
  /** DuckDB worker threads; each Dashport worker gets a share of the CPUs. */
  readonly threads: number;
  /** e.g. '512MB'; DuckDB spills to disk past it instead of growing the RSS. */
  readonly memoryLimit?: string;
  readonly connections: number;
  readonly queryTimeoutMs: number;
  /** Where DuckDB may spill; defaults to DuckDB's own choice. */
  readonly tempDirectory?: string;
}

export interface QueryResult {
  readonly columns: string[];
  readonly types: string[];
  readonly rows: Value[][];
}

export interface DuckDb {
  /** Run a statement with bound parameters and read every row, converted for JSON. */
  query(sql: string, params?: readonly BoundValue[]): Promise<QueryResult>;
  /** Run a statement for its effect. */
  run(sql: string, params?: readonly BoundValue[]): Promise<void>;
  /** Stream rows chunk by chunk; the connection is held until the iterator ends. */
  stream(
    sql: string,
    params?: readonly BoundValue[],
  ): AsyncGenerator<{ columns: string[]; types: string[]; rows: Value[][] }>;
  close(): void;
}

function toDuckValue(value: BoundValue): DuckDBValue {
  return value;
}

function typesOf(params: readonly BoundValue[]): DuckDBType[] {
  return params.map(parameterType);
}

export async function createDuckDb(options: DuckDbOptions): Promise<DuckDb> {
  const settings: Record<string, string> = { threads: String(options.threads) };
  if (options.memoryLimit !== undefined) settings['memory_limit'] = options.memoryLimit;
  if (options.tempDirectory !== undefined) settings['temp_directory'] = options.tempDirectory;
  // Extensions cannot be downloaded on production hosts behind closed egress; never try.
  settings['autoinstall_known_extensions'] = 'false';
  settings['autoload_known_extensions'] = 'true';
  const instance = await DuckDBInstance.create(':memory:', settings);
  const idle: DuckDBConnection[] = [];
  for (let i = 0; i < Math.max(1, options.connections); i++) {
    const connection = await instance.connect();
    // Timestamps are UTC end to end: filters bind UTC values, responses print ISO-8601 with Z.
    await connection.run("SET TimeZone = 'UTC'");
    idle.push(connection);
  }
  const waiters: ((connection: DuckDBConnection) => void)[] = [];
  let closed = false;

  async function acquire(): Promise<DuckDBConnection> {
    const connection = idle.pop();
    if (connection) return connection;
    return new Promise((resolve) => waiters.push(resolve));
  }

  function release(connection: DuckDBConnection): void {
    const next = waiters.shift();
    if (next) next(connection);
    else idle.push(connection);
  }

  /**
   * A connection within `ms`, else a timeout: time spent queued behind busy connections counts
   * against the query's deadline. Otherwise a query queued behind slow ones would start after
   * its request was already answered 503 and burn a connection on an answer nobody reads.
   */
  function acquireWithin(ms: number): Promise<DuckDBConnection> {
    const connection = idle.pop();
    if (connection) return Promise.resolve(connection);
    return new Promise((resolve, reject) => {
      const waiter = (next: DuckDBConnection): void => {
        clearTimeout(timer);
        resolve(next);
      };
      const timer = setTimeout(() => {
        const index = waiters.indexOf(waiter);
        if (index >= 0) waiters.splice(index, 1);
        reject(
          new UnavailableError(
            'DASHPORT_ERR_QUERY_TIMEOUT',
            `query waited ${options.queryTimeoutMs} ms for a free connection behind slower ones; retry, or narrow it with filters`,
          ),
        );
      }, ms);
      waiters.push(waiter);
    });
  }

  async function withDeadline<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const deadline = performance.now() + options.queryTimeoutMs;
    const connection = await acquireWithin(options.queryTimeoutMs);
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        connection.interrupt();
      },
      Math.max(0, deadline - performance.now()),
    );
    try {
      return await work(connection);
    } catch (error) {
      if (timedOut) {
        throw new UnavailableError(
          'DASHPORT_ERR_QUERY_TIMEOUT',
          `query interrupted after ${options.queryTimeoutMs} ms; narrow it with filters or a smaller limit`,
        );
      }
      if (error instanceof Error && error.message.startsWith('Out of Memory Error')) {
        throw new UnavailableError(
          'DASHPORT_ERR_OUT_OF_MEMORY',
          'the query needs more memory than this worker may use; select fewer columns or rows, or raise DASHPORT_WORKER_MEMORY_MB',
          5,
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
      release(connection);
    }
  }

  return {
    async query(sql, params = []) {
      return withDeadline(async (connection) => {
        const reader = await connection.runAndReadAll(
          sql,
          params.map(toDuckValue),
          typesOf(params),
        );
        const types = reader.columnTypes().map((type) => type.toString());
        const rows = reader
          .convertRows(jsValueConverter)
          .map((row) => row.map((value, i) => toCell(value, types[i])));
        return { columns: reader.columnNames(), types, rows };
      });
    },
    async run(sql, params = []) {
      await withDeadline((connection) =>
        connection.run(sql, params.map(toDuckValue), typesOf(params)),
      );
    },
    async *stream(sql, params = []) {
      const connection = await acquire();
      try {
        const result = await connection.stream(sql, params.map(toDuckValue), typesOf(params));
        const columns = result.columnNames();
        const types = result.columnTypes().map((type) => type.toString());
        for (;;) {
          const chunk = await result.fetchChunk();
          if (!chunk || chunk.rowCount === 0) break;
          const rows = chunk
            .convertRows(jsValueConverter)
            .map((row) => row.map((value, i) => toCell(value, types[i])));
          yield { columns, types, rows };
        }
      } finally {
        release(connection);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      for (const connection of idle) connection.closeSync();
      instance.closeSync();
    },
  };
}
