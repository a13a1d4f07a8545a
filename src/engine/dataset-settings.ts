/**
 * `dashport.yaml` in the data dir: per-dataset title, description, time and label columns,
 * column type overrides and live settings. Validated with a schema; errors name the file and path.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { accessSchema, checkAccessRule, publicSchema } from '../auth/access-rule-schema.js';
import { ConfigError } from '../errors.js';
import { COLUMN_TYPES, type ColumnType } from '../shared/api-types.js';

export const SETTINGS_FILE = 'dashport.yaml';

const columnType = z.enum(COLUMN_TYPES as [ColumnType, ...ColumnType[]]);

const datasetSettingsSchema = z
  .object({
    title: z.string().min(1).optional(),
    description: z.string().optional(),
    time_column: z.string().min(1).optional(),
    label_column: z.string().min(1).optional(),
    types: z.record(z.string(), columnType).optional(),
    live: z.boolean().optional(),
    /** For PostgreSQL datasets: an increasing column polled for new rows. */
    increasing_column: z.string().min(1).optional(),
    samples_per_class: z.number().int().min(1).max(1000).optional(),
    access: accessSchema.optional(),
    public: publicSchema.optional(),
  })
  .strict()
  .superRefine(checkAccessRule);

const settingsFileSchema = z
  .object({ datasets: z.record(z.string(), datasetSettingsSchema).default({}) })
  .strict();

export type DatasetSettings = z.infer<typeof datasetSettingsSchema>;
export type SettingsFile = Readonly<Record<string, DatasetSettings>>;

/** Parse the YAML text; throws ConfigError naming the file, the path and the problem. */
export function parseSettings(text: string, file: string): SettingsFile {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new ConfigError(`${file}: not valid YAML: ${(error as Error).message}`);
  }
  const parsed = settingsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new ConfigError(`${file}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data.datasets;
}

export async function loadSettings(dataDir: string): Promise<SettingsFile> {
  const file = path.join(dataDir, SETTINGS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`${file}: cannot be read: ${(error as Error).message}`);
  }
  return parseSettings(text, file);
}
