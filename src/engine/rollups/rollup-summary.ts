/**
 * What `/health` and `dashport cache status` say about rollups: per rollup its dataset,
 * dimensions (`ts/day` for a bucketed time), measures, rows and bytes, and whether it is
 * current (built from the dataset version now served).
 */
import { readRollupList } from './rollup-store.js';

export interface RollupSummary {
  readonly dataset: string;
  readonly key: string;
  readonly dimensions: string;
  readonly measures: string;
  readonly rows: number;
  readonly bytes: number;
  /** False when the dataset changed since: the base table answers until the next build. */
  readonly current: boolean;
}

export async function rollupSummaries(
  cacheDir: string,
  datasets: readonly { readonly id: string; readonly version?: string }[],
): Promise<RollupSummary[]> {
  const lists = await Promise.all(datasets.map((d) => readRollupList(cacheDir, d.id)));
  return lists.flatMap((list, i) =>
    list === undefined
      ? []
      : list.rollups.map((rollup) => ({
          dataset: list.dataset,
          key: rollup.spec.key,
          dimensions: rollup.spec.dimensions
            .map((d) => (d.bucket === undefined ? d.column : `${d.column}/${d.bucket}`))
            .join(', '),
          // A bitmap rollup's one "measure" is the column it counts distinct values of.
          measures:
            rollup.spec.distinct === undefined
              ? rollup.spec.measures.join(', ')
              : `distinct ${rollup.spec.distinct}`,
          rows: rollup.rows,
          bytes: rollup.bytes,
          current: datasets[i]?.version === undefined || datasets[i]?.version === list.version,
        })),
  );
}

/** The rollups as a text table, for `dashport cache status`. */
export function formatRollupTable(rollups: readonly RollupSummary[]): string {
  const header = ['rollup of', 'rows', 'size', 'current', 'dimensions', 'measures'];
  const rows = rollups.map((r) => [
    r.dataset,
    String(r.rows),
    `${(r.bytes / 1024).toFixed(0)} KB`,
    r.current ? 'yes' : 'no',
    r.dimensions,
    r.measures || '-',
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
