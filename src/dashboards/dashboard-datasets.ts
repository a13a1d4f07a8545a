import type { DashboardDefinition } from '../shared/dashboard-types.js';

/** Every dataset a dashboard reads (panels, annotations, filter options), sorted. */
export function dashboardDatasets(definition: DashboardDefinition): string[] {
  const ids = new Set<string>();
  for (const panel of definition.panels) {
    ids.add(panel.dataset);
    if (panel.annotations) ids.add(panel.annotations.dataset);
  }
  for (const filter of definition.filters) ids.add(filter.dataset);
  return [...ids].sort();
}
