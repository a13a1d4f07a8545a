/**
 * The schema of a `dashboards/*.yaml` file (SPEC §7). Strict: an unknown key is an error, so
 * a typo is reported instead of silently ignored. Cross-field rules (what each panel type
 * needs) are checked here too, so every problem names its path in the file.
 */
import { z } from 'zod';
import { accessSchema, checkAccessRule, publicSchema } from '../auth/access-rule-schema.js';
import { MeasureSyntaxError } from '../errors.js';
import { looksLikeMeasure, parseMeasure } from '../engine/sql/measure-expression.js';
import { AGG_FUNCTIONS, TIME_BUCKETS } from '../engine/sql/parse-aggregate-query.js';
import {
  AGGREGATE_MAX_BINS,
  AGGREGATE_MAX_POINTS,
  AGGREGATE_MAX_TOP,
  ROWS_MAX_LIMIT,
} from '../engine/sql/query-types.js';
import { AGGREGATE_PANEL_TYPES, PANEL_TYPES, type PanelType } from '../shared/dashboard-types.js';

const name = z.string().trim().min(1);
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const expressions = z.union([z.string(), z.array(z.string()).min(1)]);

const dateBound = z.string().min(1);

const filterSchema = z
  .object({
    column: name.describe('The column this filter constrains; also its name in the URL.'),
    label: z.string().min(1).optional().describe('The control label (default: the column).'),
    type: z
      .enum(['select', 'date-range'])
      .default('select')
      .describe('select: a dropdown of the column values; date-range: from/to dates.'),
    multiple: z.boolean().default(false).describe('A multi-select: ?column=in.(a,b).'),
    dataset: name
      .optional()
      .describe('Dataset whose values fill the control (default: the dashboard dataset).'),
    depends_on: z
      .union([name, z.array(name).min(1)])
      .optional()
      .describe(
        'Filter(s), by column, whose values narrow the options of this one (options of tool narrowed by the chosen category).',
      ),
    default: z
      .union([
        scalar,
        z.array(scalar),
        z.object({ from: dateBound.optional(), to: dateBound.optional() }).strict(),
      ])
      .optional()
      .describe(
        'Value(s) applied when the URL does not set this filter; {from, to} for a date range.',
      ),
  })
  .strict();

const annotationsSchema = z
  .object({
    dataset: name.describe('The dataset of notes, e.g. a table with a date and a text.'),
    time: name.describe('Its date or timestamp column, placed on the x axis.'),
    text: name.describe('Its text column, shown on hover.'),
  })
  .strict();

/** A number a text panel shows, as `{{ name }}`: one aggregate over the filtered rows. */
const textValueSchema = z
  .object({
    dataset: name.optional().describe('Dataset of the value (default: the panel dataset).'),
    y: name
      .optional()
      .describe('The column to aggregate, or a computed measure: "sum(revenue) / sum(units)".'),
    agg: z
      .enum(AGG_FUNCTIONS as [string, ...string[]])
      .optional()
      .describe('Aggregate of y (default: count of rows).'),
    where: z
      .record(name, expressions)
      .optional()
      .describe('Fixed filters of this value: column: <op>.<value> (or a list of them).'),
  })
  .strict();

const PLACEHOLDER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const panelSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, - and _ only')
      .optional()
      .describe('Stable id of the panel (default: panel-<n>); keys its data in the response.'),
    title: z.string().optional(),
    description: z.string().optional(),
    type: z.enum(PANEL_TYPES as [PanelType, ...PanelType[]]),
    dataset: name.optional().describe('Dataset of this panel (default: the dashboard dataset).'),
    width: z
      .enum(['full', 'half', 'third'])
      .optional()
      .describe(
        'Share of a wide screen (default: half; tables and profiles full, numbers a third).',
      ),
    x: name.optional(),
    bucket: z
      .enum(TIME_BUCKETS as [string, ...string[]])
      .optional()
      .describe('Time bucket of a date or timestamp x.'),
    bins: z
      .number()
      .int()
      .min(1)
      .max(AGGREGATE_MAX_BINS)
      .optional()
      .describe('Histogram bins of a numeric x.'),
    y: name
      .optional()
      .describe(
        'The column to aggregate, or a computed measure over aggregates: "sum(revenue) / sum(units)" (numbers, + - * /, parentheses, count sum mean min max median distinct).',
      ),
    agg: z
      .enum(AGG_FUNCTIONS as [string, ...string[]])
      .optional()
      .describe('Aggregate of y (default: count of rows).'),
    group: name.optional().describe('Split into one series per value of this column.'),
    top: z
      .number()
      .int()
      .min(1)
      .max(AGGREGATE_MAX_TOP)
      .optional()
      .describe('Largest groups kept; the rest become "other".'),
    points: z
      .number()
      .int()
      .min(3)
      .max(AGGREGATE_MAX_POINTS)
      .optional()
      .describe('Downsample each line to this many points.'),
    select: z
      .union([name, z.array(name).min(1)])
      .optional()
      .describe('Columns of a table (default: all).'),
    order: z.string().min(1).optional().describe('Row order of a table: a.desc,b'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(ROWS_MAX_LIMIT)
      .optional()
      .describe('Rows per page of a table, points of a scatter.'),
    where: z
      .record(name, expressions)
      .optional()
      .describe('Fixed filters of this panel: column: <op>.<value> (or a list of them).'),
    ignore_filters: z
      .array(name)
      .optional()
      .describe('Dashboard filters (by column) this panel ignores.'),
    stack: z.boolean().optional().describe('Stack the series of an area or bar chart.'),
    horizontal: z.boolean().optional().describe('Horizontal bars.'),
    annotations: annotationsSchema
      .optional()
      .describe('Notes from another dataset, as markers on a time x.'),
    text: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Markdown of a text panel (no raw HTML; links http(s) or relative only), with {{ name }} placeholders filled from values.',
      ),
    values: z
      .record(z.string().regex(PLACEHOLDER_NAME, 'letters, digits and _ only'), textValueSchema)
      .optional()
      .describe('The numbers of a text panel, by placeholder name: { total: { agg: count } }.'),
    on_click: z
      .enum(['filter'])
      .optional()
      .describe(
        'filter: a click on a bar, slice, heatmap cell or legend entry sets the dashboard filter of that x or group column.',
      ),
  })
  .strict();

type PanelInput = z.infer<typeof panelSchema>;

const AGGREGATE_KEYS = ['x', 'bucket', 'bins', 'y', 'agg', 'group', 'top', 'points'] as const;
const ROWS_KEYS = ['select', 'order'] as const;
const NEEDS_X: ReadonlySet<PanelType> = new Set([
  'line',
  'area',
  'histogram',
  'heatmap',
  'scatter',
]);

/** The keys that do not apply to a panel of `type`, with what that type takes instead. */
function inapplicableKeys(panel: PanelInput): { key: string; accepts: string }[] {
  const present = (keys: readonly string[]): string[] =>
    keys.filter((key) => panel[key as keyof PanelInput] !== undefined);
  const textKeys = present(['text', 'values']);
  if (panel.type !== 'text' && textKeys.length > 0) {
    return textKeys.map((key) => ({
      key,
      accepts: 'its own keys; text and values are for a text panel',
    }));
  }
  switch (panel.type) {
    case 'text':
      return present([
        ...AGGREGATE_KEYS,
        ...ROWS_KEYS,
        'limit',
        'stack',
        'horizontal',
        'annotations',
        'on_click',
      ]).map((key) => ({
        key,
        accepts: 'title, description, dataset, width, text, values, where, ignore_filters',
      }));
    case 'profiles':
    case 'pca':
    case 'correlation':
      return present([
        ...AGGREGATE_KEYS,
        ...ROWS_KEYS,
        'limit',
        'where',
        'ignore_filters',
        'stack',
        'horizontal',
        'annotations',
        'on_click',
      ]).map((key) => ({
        key,
        accepts: 'title, description, dataset, width (it shows a precomputed analysis)',
      }));
    case 'table':
      return present([...AGGREGATE_KEYS, 'stack', 'horizontal', 'annotations', 'on_click']).map(
        (key) => ({
          key,
          accepts: 'select, order, limit, where',
        }),
      );
    case 'scatter':
      return present([
        'bucket',
        'bins',
        'agg',
        'top',
        'points',
        'select',
        'order',
        'stack',
        'horizontal',
        'annotations',
        'on_click',
      ]).map((key) => ({ key, accepts: 'x, y, group, limit, where' }));
    case 'number':
      return present([
        'x',
        'bucket',
        'bins',
        'group',
        'top',
        'points',
        ...ROWS_KEYS,
        'limit',
        'stack',
        'horizontal',
        'annotations',
        'on_click',
      ]).map((key) => ({ key, accepts: 'y, agg, where' }));
    default:
      return present([...ROWS_KEYS, 'limit']).map((key) => ({
        key,
        accepts: 'x, bucket, bins, y, agg, group, top, points, where',
      }));
  }
}

function checkPanel(panel: PanelInput, index: number, ctx: z.RefinementCtx): void {
  const at = (key: string): (string | number)[] => ['panels', index, key];
  for (const { key, accepts } of inapplicableKeys(panel)) {
    ctx.addIssue({
      code: 'custom',
      path: at(key),
      message: `does not apply to a ${panel.type} panel; it takes ${accepts}`,
    });
  }
  if (NEEDS_X.has(panel.type) && panel.x === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: at('x'),
      message: `a ${panel.type} panel needs x (a column)`,
    });
  }
  if (panel.type === 'bar' && panel.x === undefined && panel.group === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: at('x'),
      message: 'a bar panel needs x, or group for one bar per group',
    });
  }
  if (panel.type === 'heatmap' && panel.group === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: at('group'),
      message: 'a heatmap panel needs group (its rows)',
    });
  }
  if (panel.type === 'scatter' && panel.y === undefined) {
    ctx.addIssue({ code: 'custom', path: at('y'), message: 'a scatter panel needs y (a column)' });
  }
  checkMeasure(panel, index, ctx);
  if (panel.type === 'text') checkText(panel, index, ctx);
  if (panel.agg !== undefined && panel.agg !== 'count' && panel.y === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: at('y'),
      message: `agg: ${panel.agg} needs y (the column to aggregate)`,
    });
  }
  if (panel.bucket !== undefined && panel.bins !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: at('bins'),
      message: 'bins and bucket cannot be combined',
    });
  }
  if (panel.type === 'histogram' && panel.bucket !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: at('bucket'),
      message: 'a histogram bins a numeric x; use a bar panel for a time x',
    });
  }
  if (panel.annotations !== undefined && panel.x === undefined) {
    ctx.addIssue({ code: 'custom', path: at('annotations'), message: 'annotations need a time x' });
  }
}

/**
 * A computed measure in `y` is parsed at load, so a typo is reported with the file, the path
 * and its position (params.position, which parse-dashboard-file turns into a line and column);
 * its columns are checked against the dataset when the panel is queried.
 */
function checkMeasure(panel: PanelInput, index: number, ctx: z.RefinementCtx): void {
  if (panel.y === undefined || !looksLikeMeasure(panel.y)) return;
  const path = ['panels', index, 'y'];
  if (!(AGGREGATE_PANEL_TYPES as readonly string[]).includes(panel.type)) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: `a ${panel.type} panel takes a column as y; computed measures are for line, area, bar, histogram, heatmap and number panels`,
    });
    return;
  }
  checkMeasureText(panel.y, panel.agg, ['panels', index], ctx);
}

/** A measure in `<at>.y` parses, and `<at>.agg` is not set beside it. */
function checkMeasureText(
  y: string,
  agg: string | undefined,
  at: readonly (string | number)[],
  ctx: z.RefinementCtx,
): void {
  if (agg !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: [...at, 'agg'],
      message:
        'agg does not combine with a computed measure in y; the measure names its aggregates',
    });
  }
  try {
    parseMeasure(y, 'y');
  } catch (error) {
    if (!(error instanceof MeasureSyntaxError)) throw error;
    ctx.addIssue({
      code: 'custom',
      path: [...at, 'y'],
      message: error.message.replace(/^y: /, ''),
      params: { position: error.position },
    });
  }
}

/** `{{ name }}` placeholders of a text panel's Markdown. */
export const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

function checkText(panel: PanelInput, index: number, ctx: z.RefinementCtx): void {
  if (panel.text === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['panels', index, 'text'],
      message: 'a text panel needs text (Markdown)',
    });
    return;
  }
  const values = panel.values ?? {};
  for (const match of panel.text.matchAll(PLACEHOLDER)) {
    const key = match[1] ?? '';
    if (!Object.hasOwn(values, key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['panels', index, 'text'],
        message: `placeholder {{ ${key} }} has no value; values are: ${Object.keys(values).join(', ') || '(none)'}`,
      });
    }
  }
  for (const [key, value] of Object.entries(values)) {
    const path = ['panels', index, 'values', key];
    if (value.agg !== undefined && value.agg !== 'count' && value.y === undefined)
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'y'],
        message: `agg: ${value.agg} needs y (the column to aggregate)`,
      });
    if (value.y !== undefined && looksLikeMeasure(value.y))
      checkMeasureText(value.y, value.agg, path, ctx);
  }
}

/** on_click: filter needs a dashboard select filter on the panel's x or group. */
function checkOnClick(
  file: { panels: PanelInput[]; filters: FilterInput[] },
  ctx: z.RefinementCtx,
): void {
  const selects = new Set(file.filters.filter((f) => f.type !== 'date-range').map((f) => f.column));
  file.panels.forEach((panel, index) => {
    if (panel.on_click === undefined) return;
    const columns = [
      panel.bucket === undefined && panel.bins === undefined ? panel.x : undefined,
      panel.group,
    ].filter((column): column is string => column !== undefined);
    if (!columns.some((column) => selects.has(column))) {
      ctx.addIssue({
        code: 'custom',
        path: ['panels', index, 'on_click'],
        message: `on_click: filter needs the panel's x (not bucketed or binned) or group to be a select filter of the dashboard; filters are: ${[...selects].join(', ') || '(none)'}`,
      });
    }
  });
}

type FilterInput = z.infer<typeof filterSchema>;

function checkFilter(filter: FilterInput, index: number, ctx: z.RefinementCtx): void {
  const at = (key: string): (string | number)[] => ['filters', index, key];
  if (filter.type === 'date-range' && filter.multiple) {
    ctx.addIssue({
      code: 'custom',
      path: at('multiple'),
      message: 'multiple applies to a select filter, not a date-range',
    });
  }
  const value = filter.default;
  if (value === undefined) return;
  const isRange = typeof value === 'object' && !Array.isArray(value);
  if (filter.type === 'date-range' && !isRange) {
    ctx.addIssue({
      code: 'custom',
      path: at('default'),
      message: 'a date-range default is {from: <date>, to: <date>}',
    });
  } else if (filter.type === 'select' && isRange) {
    ctx.addIssue({
      code: 'custom',
      path: at('default'),
      message: 'a select default is a value (or a list with multiple: true)',
    });
  } else if (filter.type === 'select' && !filter.multiple && Array.isArray(value)) {
    ctx.addIssue({
      code: 'custom',
      path: at('default'),
      message: 'a list of defaults needs multiple: true',
    });
  }
}

function checkUnique(
  values: (string | undefined)[],
  what: string,
  key: string,
  listKey: string,
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (value === undefined) return;
    if (seen.has(value)) {
      ctx.addIssue({
        code: 'custom',
        path: [listKey, index, key],
        message: `${what} "${value}" is used twice; each must be unique`,
      });
    }
    seen.add(value);
  });
}

const tabSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, - and _ only')
      .describe('The tab in the URL: ?tab=<id>.'),
    title: z.string().min(1).optional().describe('The tab label (default: the id).'),
    panels: z.array(name).min(1).describe('Ids of the panels on this tab.'),
  })
  .strict();

/** `30s`, `5m`, `1h`: the refresh interval, at least 5 seconds. */
export const REFRESH_PATTERN = /^(\d+)\s*(s|m|h)$/;
export const REFRESH_MIN_SECONDS = 5;

/** Seconds of a refresh interval text (`30s` → 30), or undefined when it is not one. */
export function refreshSeconds(text: string): number | undefined {
  const match = REFRESH_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const unit = match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1;
  return Number(match[1]) * unit;
}

function checkTabs(
  file: {
    panels: PanelInput[];
    filters: FilterInput[];
    tabs?: z.infer<typeof tabSchema>[] | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  if (file.tabs === undefined) return;
  const ids = file.panels.map((panel, index) => panel.id ?? `panel-${index + 1}`);
  const placed = new Map<string, string>();
  file.tabs.forEach((tab, tabIndex) => {
    tab.panels.forEach((panel, panelIndex) => {
      const path = ['tabs', tabIndex, 'panels', panelIndex];
      if (!ids.includes(panel)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `unknown panel "${panel}"; panels are: ${ids.join(', ')}`,
        });
      } else if (placed.has(panel)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `panel "${panel}" is already on tab "${placed.get(panel)}"`,
        });
      } else placed.set(panel, tab.id);
    });
  });
  for (const id of ids) {
    if (!placed.has(id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tabs'],
        message: `panel "${id}" is on no tab; put every panel on one`,
      });
    }
  }
  checkUnique(
    file.tabs.map((tab) => tab.id),
    'tab id',
    'id',
    'tabs',
    ctx,
  );
  file.filters.forEach((filter, index) => {
    if (filter.column === 'tab')
      ctx.addIssue({
        code: 'custom',
        path: ['filters', index, 'column'],
        message:
          'a dashboard with tabs keeps ?tab= for the tab; this filter cannot be on a column "tab"',
      });
  });
}

function checkDependsOn(filters: FilterInput[], ctx: z.RefinementCtx): void {
  const columns = filters.map((filter) => filter.column);
  filters.forEach((filter, index) => {
    const deps =
      filter.depends_on === undefined
        ? []
        : Array.isArray(filter.depends_on)
          ? filter.depends_on
          : [filter.depends_on];
    for (const dep of deps) {
      if (dep === filter.column || !columns.includes(dep)) {
        ctx.addIssue({
          code: 'custom',
          path: ['filters', index, 'depends_on'],
          message: `depends_on names another filter of this dashboard; "${dep}" is not one (filters: ${columns.join(', ')})`,
        });
      }
    }
  });
}

/** A dashboard file as written (before defaults are filled in). */
export const dashboardFileSchema = z
  .object({
    title: z.string().min(1).describe('Shown on the home page and as the page title.'),
    description: z.string().optional(),
    dataset: name.describe('Default dataset of the filters and panels (a dataset id).'),
    filters: z.array(filterSchema).default([]),
    panels: z.array(panelSchema).min(1, 'a dashboard needs at least one panel'),
    access: accessSchema.optional(),
    public: publicSchema.optional(),
    tabs: z
      .array(tabSchema)
      .min(1)
      .optional()
      .describe('Panels grouped into tabs (every panel on one); the active tab is ?tab=<id>.'),
    refresh: z
      .string()
      .regex(REFRESH_PATTERN, 'an interval such as 30s, 5m or 1h')
      .refine(
        (text) => (refreshSeconds(text) ?? 0) >= REFRESH_MIN_SECONDS,
        `at least ${REFRESH_MIN_SECONDS}s`,
      )
      .optional()
      .describe(
        'Re-fetch the data this often while the page is open (If-None-Match: unchanged data costs a 304).',
      ),
  })
  .strict()
  .superRefine((file, ctx) => {
    checkAccessRule(file, ctx);
    checkTabs(file, ctx);
    checkOnClick(file, ctx);
    checkDependsOn(file.filters, ctx);
    file.panels.forEach((panel, index) => checkPanel(panel, index, ctx));
    file.filters.forEach((filter, index) => checkFilter(filter, index, ctx));
    checkUnique(
      file.panels.map((panel) => panel.id),
      'panel id',
      'id',
      'panels',
      ctx,
    );
    checkUnique(
      file.filters.map((filter) => filter.column),
      'filter column',
      'column',
      'filters',
      ctx,
    );
  });

export type DashboardFile = z.infer<typeof dashboardFileSchema>;

/** The JSON Schema of a dashboard file, for editors (YAML language server, VS Code). */
export function dashboardJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(dashboardFileSchema, { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    title: 'Dashport dashboard',
    description: 'A dashboards/<id>.yaml file (SPEC §7).',
  };
}
