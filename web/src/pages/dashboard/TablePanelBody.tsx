/**
 * A table panel's rows, paged on the server: the first page comes with the dashboard data, the
 * next ones from `/rows` with the same query and an offset.
 */
import { useEffect, useState } from 'react';
import type { RowsResponse } from '../../../../src/shared/api-types.js';
import { api } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { DataTable } from '../../components/DataTable.js';

export interface TablePanelBodyProps {
  readonly title: string;
  readonly dataset: string;
  /** The rows query without limit and offset. */
  readonly query: string;
  readonly firstPage: RowsResponse;
}

export function TablePanelBody({ title, dataset, query, firstPage }: TablePanelBodyProps) {
  const [offset, setOffset] = useState(0);
  const limit = firstPage.limit;
  useEffect(() => setOffset(0), [query]);
  const pageKey = offset === 0 ? null : `${dataset}?${query}&limit=${limit}&offset=${offset}`;
  const page = useResource(pageKey, (signal) =>
    api.rows(dataset, `${query}${query ? '&' : ''}limit=${limit}&offset=${offset}`, signal),
  );
  const shown = offset === 0 ? firstPage : (page.data ?? undefined);
  const rows = shown?.rows ?? [];
  const last = offset + rows.length;
  return (
    <div className="table-panel">
      {page.error ? (
        <p className="panel-message panel-message--error" role="alert">
          {page.error.message}
        </p>
      ) : (
        <DataTable
          columns={shown?.columns ?? firstPage.columns}
          rows={rows}
          caption={title}
          firstRow={offset + 1}
        />
      )}
      <nav className="pager" aria-label={`${title} pages`}>
        <button
          type="button"
          onClick={() => setOffset(Math.max(0, offset - limit))}
          disabled={offset === 0 || page.loading}
        >
          Previous
        </button>
        <span aria-live="polite">
          {page.loading ? 'Loading…' : rows.length === 0 ? 'No rows' : `Rows ${offset + 1}–${last}`}
        </span>
        <button
          type="button"
          onClick={() => setOffset(offset + limit)}
          disabled={rows.length < limit || page.loading}
        >
          Next
        </button>
      </nav>
    </div>
  );
}
