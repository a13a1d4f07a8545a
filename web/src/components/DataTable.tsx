/** A plain, accessible table of rows; scrolls inside its box on narrow screens. */
import type { CellValue } from '../../../src/shared/api-types.js';
import { formatCell } from '../data/format.js';

export interface DataTableProps {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (CellValue | undefined)[])[];
  readonly caption?: string;
  /** Shown at the precision of this time bucket. */
  readonly bucket?: string | undefined;
  /** Numbering of the first row (paged tables). */
  readonly firstRow?: number;
}

export function DataTable({ columns, rows, caption, bucket, firstRow }: DataTableProps) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption ?? 'Data table'}>
      <table className="data-table">
        {caption && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {firstRow !== undefined && <th scope="col">#</th>}
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              {firstRow !== undefined && <td className="num">{firstRow + index}</td>}
              {columns.map((column, columnIndex) => {
                const value = row[columnIndex];
                return (
                  <td key={column} className={typeof value === 'number' ? 'num' : undefined}>
                    {formatCell(value, bucket)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="panel-message">No rows match.</p>}
    </div>
  );
}
