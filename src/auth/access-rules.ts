/**
 * The policy's rule lookups over where the rules are written: dataset settings from
 * dashport.yaml and the dashboard files. Read on every call, so a reloaded dashboard
 * (`dashport dev`) or dashport.yaml takes effect at once.
 */
import { dashboardDatasets } from '../dashboards/dashboard-datasets.js';
import type { DashboardStore } from '../dashboards/dashboard-store.js';
import type { DatasetSettings } from '../engine/dataset-settings.js';
import type { DashboardDefinition } from '../shared/dashboard-types.js';
import { accessRuleOf } from './access-rule-schema.js';
import type { AccessRules } from './policy.js';

export interface AccessRuleSources {
  /** The dashport.yaml settings of a dataset, if it has any. */
  readonly datasetSettings: (id: string) => DatasetSettings | undefined;
  readonly dashboards: Pick<DashboardStore, 'get'>;
}

export function createAccessRules(sources: AccessRuleSources): AccessRules {
  function definition(id: string): DashboardDefinition | undefined {
    try {
      return sources.dashboards.get(id);
    } catch {
      // Unknown or invalid: no rule of its own; the route answers 404 or the problems.
      return undefined;
    }
  }
  return {
    dataset(id) {
      const settings = sources.datasetSettings(id);
      return settings === undefined ? undefined : accessRuleOf(settings);
    },
    dashboard(id) {
      const found = definition(id);
      return found === undefined ? undefined : accessRuleOf(found);
    },
    dashboardDatasets(id) {
      const found = definition(id);
      return found === undefined ? [] : dashboardDatasets(found);
    },
  };
}
