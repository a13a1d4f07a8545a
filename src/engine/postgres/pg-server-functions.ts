/**
 * Functions a SQL dataset over PostgreSQL datasets may not call: those that read or write
 * files on the database server, reach other databases, or act on the server or on other
 * sessions in ways a rolled-back READ ONLY transaction does not undo (a session advisory lock
 * outlives it). `lo_import` reads a server file even in a READ ONLY transaction, so this is
 * the PostgreSQL counterpart of DuckDB's `enable_external_access = false` (SPEC §10). It is a
 * list, so the boundary that holds whatever the list misses is the role Dashport connects as:
 * one that is not a superuser and has no `pg_read_server_files` (docs/operations.md).
 */

const REFUSED = [
  /^pg_read_(binary_)?file$/,
  /^pg_ls_\w+$/,
  /^pg_stat_file$/,
  /^pg_file_\w+$/,
  /^lo_\w+$/,
  /^dblink\w*$/,
  // Run the SQL text they are given, where no check of ours sees it.
  /^(query|cursor)_to_xml\w*$/,
  /^pg_(try_)?advisory_\w+$/,
  /^pg_(terminate|cancel)_backend$/,
  /^pg_reload_conf$/,
  /^pg_rotate_logfile$/,
  /^pg_switch_wal$/,
  /^pg_promote$/,
  /^pg_notify$/,
];

/** The first of `functions` (name, line) that is refused, with the reason. */
export function refusedServerFunction(
  functions: readonly { readonly id: string; readonly line: number }[],
): { readonly line: number; readonly reason: string } | undefined {
  const found = [...functions]
    .sort((a, b) => a.line - b.line)
    .find((fn) => REFUSED.some((pattern) => pattern.test(fn.id)));
  if (found === undefined) return undefined;
  return {
    line: found.line,
    reason: `${found.id}() is not allowed: it reaches files, other databases or sessions on the database server, and a SQL dataset only reads datasets`,
  };
}
