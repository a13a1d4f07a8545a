import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../../auth/identity.js';
import type {
  DashboardDefinition,
  DashboardFilter,
  DashboardListEntry,
} from '../../../shared/dashboard-types.js';
import { createDashboardPagePreload, preloadLinks } from './page-preload.js';

const filter = (column: string): DashboardFilter => ({
  column,
  label: column,
  kind: 'select',
  multiple: false,
  dataset: 'trends',
  defaultValues: [],
});

const definition: DashboardDefinition = {
  id: 'sales tools',
  title: 'Sales',
  dataset: 'trends',
  file: 'a.yaml',
  filters: [filter('tool'), filter('source')],
  panels: [],
};

const entries: DashboardListEntry[] = [
  {
    id: 'sales tools',
    file: 'a.yaml',
    valid: true,
    title: 'Sales',
    panels: 0,
    problems: [],
    definition,
  },
  { id: 'broken', file: 'b.yaml', valid: false, title: 'Broken', panels: 0, problems: [] },
  {
    id: 'private',
    file: 'c.yaml',
    valid: true,
    title: 'Private',
    panels: 0,
    problems: [],
    definition: { ...definition, id: 'private' },
  },
];
const store = { list: () => entries };
const access = {
  readable: (_identity: unknown, _kind: string, ids: readonly string[]) =>
    ids.filter((id) => id !== 'private'),
};
const preload = createDashboardPagePreload(store, access);

describe('dashboard page preloads', () => {
  it('names the list and the data request the app makes: declared filters in declaration order', () => {
    expect(preload(ANONYMOUS, 'sales tools', '?tab=rows&source=in.(a,b)&utm=x&tool=A')).toEqual([
      '/api/v1/dashboards',
      '/api/v1/dashboards/sales%20tools/data?tool=A&source=in.%28a%2Cb%29',
    ]);
    expect(preload(ANONYMOUS, 'sales tools', '')).toEqual([
      '/api/v1/dashboards',
      '/api/v1/dashboards/sales%20tools/data',
    ]);
  });

  it('names no data request that would fail: unknown, invalid, or not readable by the viewer', () => {
    expect(preload(ANONYMOUS, 'nope', '')).toEqual(['/api/v1/dashboards']);
    expect(preload(ANONYMOUS, 'broken', '')).toEqual(['/api/v1/dashboards']);
    expect(preload(ANONYMOUS, 'private', '')).toEqual(['/api/v1/dashboards']);
  });

  it('writes one Link header value, fetched in cors mode as fetch() does', () => {
    expect(preloadLinks(['/a', '/b?x=1'])).toBe(
      '</a>; rel=preload; as=fetch; crossorigin=anonymous, </b?x=1>; rel=preload; as=fetch; crossorigin=anonymous',
    );
  });
});
