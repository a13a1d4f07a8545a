/** The distribution of one column, chosen in the panel: its histogram or its top values. */
import { useId } from 'react';
import type { SummaryAnalysis } from '../../../../src/shared/api-types.js';
import { api } from '../../api/client.js';
import { histogramOption, topValuesOption } from '../../charts/analysis-option.js';
import { formatCell } from '../../data/format.js';
import { ResourcePanel } from './ResourcePanel.js';

interface DistributionPanelProps {
  readonly id: string;
  readonly version: string;
  readonly column: string;
  readonly columns: readonly string[];
  readonly onSelect: (column: string) => void;
  readonly onSettled: (panelId: string) => void;
}

export function DistributionPanel({
  id,
  version,
  column,
  columns,
  onSelect,
  onSettled,
}: DistributionPanelProps) {
  const selectId = useId();
  const view = (summary: SummaryAnalysis) => {
    const info = summary.columns.find((candidate) => candidate.name === column);
    if (!info) return { message: `No statistics for column "${column}".` };
    if (info.histogram && info.histogram.counts.length > 0) {
      const { edges, counts } = info.histogram;
      return {
        option: histogramOption(column, info.histogram),
        table: {
          columns: ['from', 'to', 'rows'],
          rows: counts.map((count, index) => [
            edges[index] ?? null,
            edges[index + 1] ?? null,
            count,
          ]),
        },
      };
    }
    if (info.top && info.top.length > 0) {
      return {
        option: topValuesOption(column, info.top),
        table: {
          columns: [column, 'rows'],
          rows: info.top.map((entry) => [entry.value, entry.count]),
        },
      };
    }
    return {
      message: `Column "${column}" has no histogram or top values (${formatCell(info.stats.distinct)} distinct values).`,
    };
  };
  return (
    <ResourcePanel
      id="distribution"
      title={`Distribution of ${column}`}
      resourceKey={`${id}:summary#${version}`}
      load={(signal) => api.summary(id, signal)}
      view={view}
      viewKey={column}
      onSettled={onSettled}
      controls={
        <div className="panel-controls">
          <label htmlFor={selectId}>Column</label>
          <select id={selectId} value={column} onChange={(event) => onSelect(event.target.value)}>
            {columns.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
      }
    />
  );
}
