import type { DashboardDefinition } from '../shared/dashboard-types.js';

/** Every dataset a dashboard reads (panels, annotations, a text panel's values, filter options), sorted. */
export function dashboardDatasets(definition: DashboardDefinition): string[] {
  const ids = new Set<string>();
  for (const panel of definition.panels) {
    ids.add(panel.dataset);
    if (panel.annotations) ids.add(panel.annotations.dataset);
    for (const value of Object.values(panel.values ?? {})) ids.add(value.dataset);
  }
  for (const filter of definition.filters) ids.add(filter.dataset);
  return [...ids].sort();
}
