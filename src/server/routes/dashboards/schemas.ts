/**
 * Zod schemas of the dashboards API, for request validation and /openapi.json. Responses are
 * documented loosely (their TypeScript types live in src/shared/dashboard-types.ts).
 */
import { z } from 'zod';

export const dashboardParams = z.object({
  id: z.string().min(1).max(200).describe('dashboard id: the file name without .yaml'),
});

export const dashboardDataQuery = z
  .record(z.string(), z.union([z.string(), z.array(z.string())]))
  .describe(
    'Filter values by column: `tool=Benchmarking` (equality), `source=in.(a,b)`, `date=gte.2020-01-01`; ' +
      'an absent filter takes its default, an empty value (`tool=`) means no filter.',
  );

const problem = z.object({
  file: z.string(),
  path: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  message: z.string(),
});

const definition = z.looseObject({
  id: z.string(),
  title: z.string(),
  dataset: z.string(),
  file: z.string(),
  filters: z.array(z.looseObject({ column: z.string() })).readonly(),
  panels: z.array(z.looseObject({ id: z.string(), type: z.string() })).readonly(),
});

export const dashboardListSchema = z.object({
  dashboards: z
    .array(
      z.looseObject({
        id: z.string(),
        file: z.string(),
        valid: z.boolean(),
        title: z.string(),
        panels: z.number().int(),
        problems: z.array(problem).readonly(),
        definition: definition.optional(),
      }),
    )
    .readonly(),
  schema: z.string().describe('URL of the JSON Schema of a dashboard file'),
});

export const dashboardDefinitionSchema = definition;

export const dashboardDataSchema = z.looseObject({
  dashboard: z.string(),
  filters: z.record(z.string(), z.array(z.string()).readonly()),
  options: z.record(z.string(), z.looseObject({})),
  panels: z.record(
    z.string(),
    z.looseObject({
      kind: z.enum(['aggregate', 'rows', 'analysis', 'text', 'error']),
      dataset: z.string(),
    }),
  ),
});
