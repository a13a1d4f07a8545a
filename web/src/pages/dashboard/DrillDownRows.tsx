/**
 * The rows behind one clicked point of an aggregate panel: the same filters plus the point's
 * x cell and group, as a table (first rows) with the CSV download of all of them.
 */
import { api, rowsUrl } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { DataTable } from '../../components/DataTable.js';

/** Rows shown in the panel; the CSV holds up to the rows endpoint's limit. */
const DRILL_ROWS = 100;
const CSV_ROW_LIMIT = 10_000;

export interface DrillDownRowsProps {
  readonly dataset: string;
  /** The rows query of the point, without limit. */
  readonly query: string;
  readonly label: string;
  readonly onClose: () => void;
}

export function DrillDownRows({ dataset, query, label, onClose }: DrillDownRowsProps) {
  const join = query === '' ? '' : '&';
  const rows = useResource(`drill:${dataset}?${query}`, (signal) =>
    api.rows(dataset, `${query}${join}limit=${DRILL_ROWS}`, signal),
  );
  const shown = rows.data?.rows ?? [];
  return (
    <div className="drill-down" data-drill-down={query} aria-label={`Rows of ${label}`}>
      <div className="drill-down-header">
        <strong>Rows of {label}</strong>
        <span aria-live="polite">
          {rows.loading
            ? 'Loading…'
            : shown.length === DRILL_ROWS
              ? `first ${DRILL_ROWS}`
              : `${shown.length} row${shown.length === 1 ? '' : 's'}`}
        </span>
        <a
          className="button"
          href={rowsUrl(dataset, `${query}${join}format=csv&limit=${CSV_ROW_LIMIT}`)}
          download="rows.csv"
        >
          CSV
        </a>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {rows.error ? (
        <p className="panel-message panel-message--error" role="alert">
          {rows.error.message}
        </p>
      ) : (
        rows.data && (
          <DataTable columns={rows.data.columns} rows={shown} caption={`Rows of ${label}`} />
        )
      )}
    </div>
  );
}
